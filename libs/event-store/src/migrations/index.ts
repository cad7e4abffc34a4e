import { CreateEventTables1764115200000 } from "./v1/create-event-tables.js";
import { AtomicConditions1764720000000 } from "./v2/atomic-conditions.js";
import { EventDataAsWritten1765000000000 } from "./v3/event-data-as-written.js";
import { AppendBatch1770000000000 } from "./v4/append-batch.js";
import { BatchLockTimeout1770100000000 } from "./v5/batch-lock-timeout.js";

/** The event store's TypeORM migrations, oldest first. */
export const eventStoreMigrations = [CreateEventTables1764115200000, AtomicConditions1764720000000, EventDataAsWritten1765000000000, AppendBatch1770000000000, BatchLockTimeout1770100000000];
