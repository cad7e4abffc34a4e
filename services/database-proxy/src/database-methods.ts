import type { JsonValue } from "@tasker/contracts";
import { type MethodHandler, methodTable, ServiceCallError, ServiceCodes } from "@tasker/service-kit";
import { DatabaseQuery } from "./database-query.js";
import { type DatabaseClient, runQuery } from "./run-query.js";

/**
 * `query(query)`: the one method, called by awaiting a `tools.database`/`tools.supabase` builder.
 * Takes one `DatabaseQuery` and answers a `QueryResult` (`{data, error, count, status, statusText}`)
 * on the tables of the run's namespace; a write is exactly-once per call (`runQuery`). A query that is not a `DatabaseQuery` fails INVALID_ARGUMENT
 * naming the member.
 */
const query: MethodHandler<DatabaseClient> = async (client, args, context) => {
  if (client.unreachable !== undefined) throw new ServiceCallError("INVALID_CONFIGURATION", client.unreachable);
  if (args.length !== 1) throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `database.query takes one argument, the query; it got ${args.length}`);
  const parsed = DatabaseQuery.safeParse(args[0]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length === 0 ? "" : `${issue.path.join(".")}: `;
    throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `the query (argument 1): ${where}${issue.message}`);
  }
  return (await runQuery(client, parsed.data, context)) as unknown as JsonValue;
};

export const databaseMethods = methodTable<DatabaseClient>({ query });
