import type { WrappedService } from "@tasker/service-kit";
import { createWebsearchClient, type WebsearchClient } from "./duckduckgo-client.js";
import { loadWebsearchConfig } from "./websearch-config.js";
import { websearchMethods } from "./websearch-methods.js";

/**
 * The `websearch` wrapped service (process `websearch-proxy`): web search through DuckDuckGo's HTML
 * results page. It needs no credentials, so runs of any namespace may call it. `open` reads its
 * settings from `process.env` (`loadWebsearchConfig`: a bad one throws naming the variable). An
 * attempt is 15 s at most by default (`WEBSEARCH_TIMEOUT_MS`), as DuckDuckGo answers in about one.
 */
export const websearchService: WrappedService<WebsearchClient> = {
  name: "websearch-proxy",
  service: "websearch",
  methods: websearchMethods,
  defaults: { timeoutMs: 15_000, maxAttempts: 5 },
  open: async () => createWebsearchClient(loadWebsearchConfig()),
};
