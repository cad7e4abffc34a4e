import type { Sql } from "@tasker/event-store";

/** The injection token of the process's `Platform` (database, bus, event store), provided by value. */
export const PLATFORM = Symbol("Platform");

/** The injection token of a `Sql` over the platform's pool, for reading the read models. */
export const READ_MODELS = Symbol("ReadModelsSql");
export type ReadModelsSql = Sql;
