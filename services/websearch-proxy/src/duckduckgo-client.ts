import { httpError, parseRetryAfter } from "@tasker/service-kit";
import { cappedText } from "./capped-text.js";
import type { SearchRequest } from "./search-args.js";
import type { WebsearchConfig } from "./websearch-config.js";
import { botCheckError, parseResultsPage, type SearchResult } from "./results-page.js";

/** What the websearch methods call: one DuckDuckGo search. */
export interface WebsearchClient {
  /**
   * Posts `request.query` to DuckDuckGo's HTML endpoint as its own form does (`q`, form-encoded) and
   * answers the first `request.maxResults` organic results of the page (`parseResultsPage`), dropped
   * when `signal` aborts. Throws: the bot check (HTTP 202 or 403) → `RATE_LIMITED` (`botCheckError`);
   * another non-2xx → the kit's `httpError` (429/5xx retryable, `Retry-After` honoured); a page it
   * cannot read, or one past `MAX_PAGE_BYTES` → `UPSTREAM_FORMAT`; network failures and aborts as `fetch` throws them.
   */
  search(request: SearchRequest, signal: AbortSignal): Promise<SearchResult[]>;
}

/** A client for DuckDuckGo at `config.WEBSEARCH_BASE_URL`, with Node's `fetch`. */
export function createWebsearchClient(config: WebsearchConfig): WebsearchClient {
  return {
    async search({ query, maxResults }, signal) {
      const response = await fetch(config.WEBSEARCH_BASE_URL, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", "user-agent": config.WEBSEARCH_USER_AGENT },
        body: new URLSearchParams({ q: query }),
        signal,
      });
      // DuckDuckGo answers its bot check as 202 (with a challenge page) or 403.
      if (response.status === 202 || response.status === 403) {
        await response.body?.cancel();
        throw botCheckError(response.status);
      }
      if (!response.ok) {
        await response.body?.cancel();
        const reason = response.statusText === "" ? "no reason given" : response.statusText;
        throw httpError(response.status, `DuckDuckGo could not answer the search (${reason})`, parseRetryAfter(response.headers.get("retry-after")));
      }
      const html = await cappedText(response);
      return parseResultsPage(html, response.url === "" ? config.WEBSEARCH_BASE_URL : response.url).slice(0, maxResults);
    },
  };
}
