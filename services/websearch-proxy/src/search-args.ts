import type { JsonValue } from "@tasker/contracts";
import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";

/** Results a search answers unless `maxResults` says otherwise. */
export const DEFAULT_MAX_RESULTS = 10;
/** The most a search answers: one page of DuckDuckGo's HTML results (further pages are not fetched). */
export const MAX_RESULTS_LIMIT = 30;
/** The longest query sent, in characters: DuckDuckGo's own form takes no more. */
export const MAX_QUERY_LENGTH = 500;

/** A search as the task asked for it. */
export interface SearchRequest {
  /** The query, trimmed. */
  readonly query: string;
  /** 1 to `MAX_RESULTS_LIMIT`. */
  readonly maxResults: number;
}

const invalid = (message: string) => new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `websearch.search: ${message}`);

/**
 * The arguments of `search(query, options?)`: `query` a non-blank string of at most
 * `MAX_QUERY_LENGTH` characters, `options` absent, null or `{maxResults?}` with `maxResults` an integer
 * from 1 to `MAX_RESULTS_LIMIT` (default `DEFAULT_MAX_RESULTS`). Anything else throws
 * `INVALID_ARGUMENT` naming the argument or field.
 */
export function searchRequestOf(args: readonly JsonValue[]): SearchRequest {
  const [query, options, ...rest] = args;
  if (rest.length > 0) throw invalid(`takes (query, {maxResults}); it was given ${args.length} arguments`);
  if (typeof query !== "string") throw invalid(`query must be a string, not ${describe(query)}`);
  const trimmed = query.trim();
  if (trimmed === "") throw invalid("query must not be empty or blank");
  if (trimmed.length > MAX_QUERY_LENGTH) throw invalid(`query must be at most ${MAX_QUERY_LENGTH} characters; it has ${trimmed.length}`);
  if (options === undefined || options === null) return { query: trimmed, maxResults: DEFAULT_MAX_RESULTS };
  if (typeof options !== "object" || Array.isArray(options)) throw invalid(`options must be an object like {maxResults: 5}, not ${describe(options)}`);
  const unknown = Object.keys(options).find((key) => key !== "maxResults");
  if (unknown !== undefined) throw invalid(`options.${unknown} is not an option; the one option is maxResults`);
  const { maxResults = DEFAULT_MAX_RESULTS } = options;
  if (typeof maxResults !== "number" || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS_LIMIT) {
    throw invalid(`options.maxResults must be an integer from 1 to ${MAX_RESULTS_LIMIT}, not ${describe(maxResults)}`);
  }
  return { query: trimmed, maxResults };
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value === "object" ? "an object" : String(value);
}
