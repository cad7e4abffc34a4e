import type { Platform } from "@tasker/platform";
import type { WrappedService } from "@tasker/service-kit";
import { classifyOpenAiError } from "./classify-openai-error.js";
import { createOpenAiClient, type OpenAiClient, type OpenAiDeps } from "./openai-client.js";
import { loadOpenAiConfig } from "./openai-config.js";
import { openAiMethods } from "./openai-methods.js";
import { openAiUsageOf } from "./openai-usage.js";

/**
 * The openai service (`tools.openai`, process `openai-proxy`): chat completions, responses,
 * embeddings and the model list through the openai SDK, each call with the API key of its run's
 * namespace (`OPENAI_API_KEY_NAME` in that namespace's keystore), at `OPENAI_BASE_URL`. `open` reads
 * its settings from `process.env` (`loadOpenAiConfig`: a bad one throws naming the variable). A
 * call's token usage is recorded in its `stack.completed`. Attempts may take long (a chat answer can
 * take a minute): 120 s each, 5 attempts, overridable by `OPENAI_TIMEOUT_MS`, `OPENAI_MAX_ATTEMPTS`, ...
 */
export function openAiService(deps: OpenAiDeps): WrappedService<OpenAiClient> {
  return {
    name: "openai-proxy",
    service: "openai",
    methods: openAiMethods,
    defaults: { timeoutMs: 120_000, maxAttempts: 5 },
    open: async (_platform: Platform) => createOpenAiClient(loadOpenAiConfig(), deps),
    classify: classifyOpenAiError,
    usageOf: openAiUsageOf,
  };
}
