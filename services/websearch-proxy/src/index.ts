export { createWebsearchClient, type WebsearchClient } from "./duckduckgo-client.js";
export { isAdLink, resultUrlOf } from "./result-link.js";
export { BOT_CHECK_RETRY_MS, botCheckError, parseResultsPage, type SearchResult } from "./results-page.js";
export { DEFAULT_MAX_RESULTS, MAX_QUERY_LENGTH, MAX_RESULTS_LIMIT, searchRequestOf, type SearchRequest } from "./search-args.js";
export { DUCKDUCKGO_HTML_URL, loadWebsearchConfig, type WebsearchConfig } from "./websearch-config.js";
export { websearchMethods } from "./websearch-methods.js";
export { websearchProxyService } from "./websearch-proxy-service.js";
export { websearchService } from "./websearch-service.js";
