import { readEnvironment } from "@tasker/platform";
import { z } from "zod";

/** DuckDuckGo's HTML results page: the form on it posts `q` here. */
export const DUCKDUCKGO_HTML_URL = "https://html.duckduckgo.com/html/";

const Environment = z.object({
  /** Where searches are posted: DuckDuckGo's HTML endpoint, or anything answering its markup (the tests' fake). */
  WEBSEARCH_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL like https://html.duckduckgo.com/html/" }).default(DUCKDUCKGO_HTML_URL),
  /** The `User-Agent` header of every search. */
  WEBSEARCH_USER_AGENT: z.string().min(1).default("Mozilla/5.0 (compatible; tasker-websearch-proxy/0.1)"),
});

/** The websearch service's settings, read from the environment by `loadWebsearchConfig`. */
export type WebsearchConfig = z.infer<typeof Environment>;

/**
 * Reads and validates the websearch service's settings (empty variables count as unset); a bad value
 * throws a `ValidationError` (`INVALID_CONFIGURATION`) naming the variable and what it must be.
 */
export function loadWebsearchConfig(env: Record<string, string | undefined> = process.env): WebsearchConfig {
  return readEnvironment(Environment, env);
}
