import { Histogram } from "prom-client";

/**
 * How many appends went to the database in one statement (1: alone, as `append` sends when nothing
 * is waiting; more: gathered while earlier statements were in flight). In the process's default
 * prom-client registry.
 */
export const appendBatchSize = new Histogram({
  name: "tasker_append_batch_size",
  help: "Appends sent to the event store in one statement and one transaction.",
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
});
