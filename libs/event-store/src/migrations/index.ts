import { CreateEventTables1764115200000 } from "./v1/create-event-tables.js";

/** The event store's TypeORM migrations, oldest first. */
export const eventStoreMigrations = [CreateEventTables1764115200000];
