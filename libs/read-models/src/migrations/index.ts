import { CreateReadModels1764115260000 } from "./v1/create-read-models.js";
import { ValuesAsWritten1765000060000 } from "./v2/values-as-written.js";
import { DurableTimers1766000000000 } from "./v3/durable-timers.js";
import { Namespaces1767000000000 } from "./v4/namespaces.js";
import { TaskUses1768000000000 } from "./v5/task-uses.js";
import { RunInspectorReads1769000000000 } from "./v6/run-inspector-reads.js";
import { RunsEndedInOneAppend1770000000000 } from "./v7/runs-ended-in-one-append.js";

/** The read models' TypeORM migrations, oldest first. */
export const readModelMigrations = [CreateReadModels1764115260000, ValuesAsWritten1765000060000, DurableTimers1766000000000, Namespaces1767000000000, TaskUses1768000000000, RunInspectorReads1769000000000, RunsEndedInOneAppend1770000000000];
