import { CreateReadModels1764115260000 } from "./v1/create-read-models.js";

/** The read models' TypeORM migrations, oldest first. */
export const readModelMigrations = [CreateReadModels1764115260000];
