export { classifyOpenAiError } from "./classify-openai-error.js";
export { createOpenAiClient, type OpenAiClient, type OpenAiDeps, type OpenAiSession } from "./openai-client.js";
export { loadOpenAiConfig, type OpenAiConfig } from "./openai-config.js";
export { openAiMethods } from "./openai-methods.js";
export { STREAMING_UNSUPPORTED } from "./openai-params.js";
export { openAiProxyService } from "./openai-proxy-service.js";
export { openAiService } from "./openai-service.js";
export { openAiUsageOf } from "./openai-usage.js";
