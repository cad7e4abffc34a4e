export { appendDecision, type DecidedAppend } from "./append-caused.js";
export { createDataSource, embeddedDataDir, openDatabase, type DatabaseOptions } from "./database.js";
export { ConcurrencyError, CountExceededError, isConcurrencyError, StreamNotFoundError } from "./errors.js";
export { EventStore, type AppendResult, type EventStoreOptions } from "./event-store.js";
export type { Condition, Count, ExpectedVersion, Guard, NewStream } from "./expected-version.js";
export { eventStoreMigrations } from "./migrations/index.js";
export type { EventPublisher, OutboxOptions } from "./outbox.js";
export type { Projection } from "./projection.js";
export { pooledSql, sqlOf, type Sql } from "./sql.js";
