import type { RecordedEvent } from "@tasker/contracts";
import type { Projection, Sql } from "@tasker/event-store";

/** `task_functions` (the latest version of each name) and `task_function_versions` (every version's code). */
export const taskFunctionsProjection: Projection = {
  name: "task-functions",
  tables: ["task_functions", "task_function_versions"],
  async apply(sql: Sql, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== "task.published") continue;
      const { name, version, code, description, params } = event.data;
      const at = event.metadata.recordedAt;
      await sql.rows(
        `WITH version AS (
           INSERT INTO task_function_versions (name, version, code, published_at) VALUES ($1, $2, $3, $6)
           ON CONFLICT DO NOTHING
         )
         INSERT INTO task_functions (name, version, description, params, published_at) VALUES ($1, $2, $4, $5, $6)
         ON CONFLICT (name) DO UPDATE SET version = $2, description = $4, params = $5, published_at = $6`,
        [name, version, code, description, JSON.stringify(params), at],
      );
    }
  },
};
