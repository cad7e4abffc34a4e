import { CreateSecrets1766000000000 } from "./v1/create-secrets.js";

/** The secrets table's TypeORM migrations, oldest first. */
export const secretsMigrations = [CreateSecrets1766000000000];
