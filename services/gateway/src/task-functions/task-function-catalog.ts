import { Inject, Injectable } from "@nestjs/common";
import type { TaskFunctionSummary } from "@tasker/contracts";
import { READ_MODELS, type ReadModelsSql } from "../platform.token.js";

/** The published task functions, as the `task_functions` read model has them. */
@Injectable()
export class TaskFunctionCatalog {
  constructor(@Inject(READ_MODELS) private readonly sql: ReadModelsSql) {}

  /** The current version of every task function, sorted by name (byte order, as `sort()` would). */
  list(): Promise<TaskFunctionSummary[]> {
    return this.sql.rows<TaskFunctionSummary>(`SELECT name, version, description, params FROM task_functions ORDER BY name COLLATE "C"`);
  }

  /** The current version of `name`, or undefined when no such task function was published. */
  async currentVersion(name: string): Promise<string | undefined> {
    const [row] = await this.sql.rows<{ version: string }>("SELECT version FROM task_functions WHERE name = $1", [name]);
    return row?.version;
  }
}
