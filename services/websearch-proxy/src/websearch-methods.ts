import { type MethodHandler, methodTable, type MethodTable } from "@tasker/service-kit";
import type { WebsearchClient } from "./duckduckgo-client.js";
import { searchRequestOf } from "./search-args.js";

/** `search(query, {maxResults})`: `[{title, url, snippet}]`, at most `maxResults` (see `searchRequestOf` for the arguments). */
const search: MethodHandler<WebsearchClient> = async (client, args, { signal }) => {
  const results = await client.search(searchRequestOf(args), signal);
  return results.map(({ title, url, snippet }) => ({ title, url, snippet }));
};

/** The methods of `tools.websearch`: `search` only. */
export const websearchMethods: MethodTable<WebsearchClient> = methodTable<WebsearchClient>({ search });
