import type { Sql } from "@tasker/event-store";
import type { PinnedModule } from "@tasker/sandbox";
import type { ReplayCode } from "./replay-stack-run.js";

/**
 * The published code of one namespace, from the read models (`task_function_versions`,
 * `task_functions`): a version's code, and the latest version of every name (loaded once, as the
 * sandbox resolves modules synchronously). Throws a clear error for a version never published.
 */
export async function publishedCode(sql: Sql, namespace: string): Promise<ReplayCode> {
  const rows = await sql.rows<{ name: string; version: string; code: string }>(
    `SELECT f.name, f.version, v.code FROM task_functions f JOIN task_function_versions v USING (namespace, name, version) WHERE f.namespace = $1`,
    [namespace],
  );
  const latest = new Map<string, PinnedModule>(rows.map((row) => [row.name, { version: row.version, code: row.code }]));
  const version = async (name: string, wanted: string): Promise<string> => {
    const [row] = await sql.rows<{ code: string }>(`SELECT code FROM task_function_versions WHERE namespace = $1 AND name = $2 AND version = $3`, [namespace, name, wanted]);
    if (!row) throw new Error(`task "${name}" has no published version ${wanted.slice(0, 12)} in namespace ${namespace}`);
    return row.code;
  };
  return { task: version, module: version, latestModule: (name) => latest.get(name) };
}
