import type { JsonValue } from "@tasker/contracts";
import { type CallContext, classifyError, type ServiceCallError } from "@tasker/service-kit";
import type { FakeOpenAi } from "@tasker/testing";
import { classifyOpenAiError, createOpenAiClient, loadOpenAiConfig, openAiMethods } from "../src/index.js";

/** The openai handlers as the kit runs them, against `fake`, with each namespace's key from `keys` (namespace → key). */
export interface OpenAiBed {
  /** Runs the handler of `path` with `args` for a run of `namespace` (default `default`). */
  call(path: readonly string[], args: readonly JsonValue[], options?: { namespace?: string; signal?: AbortSignal }): Promise<JsonValue>;
}

export function openAiBed(fake: FakeOpenAi, keys: Record<string, string> = { default: fake.apiKey }): OpenAiBed {
  const client = createOpenAiClient(loadOpenAiConfig({ OPENAI_BASE_URL: fake.baseUrl }), { loadKey: async (namespace) => keys[namespace] });
  return {
    async call(path, args, { namespace = "default", signal = new AbortController().signal } = {}) {
      const handler = openAiMethods.resolve(path);
      if (!handler) throw new Error(`no openai method ${path.join(".")}`);
      const context: CallContext = { service: "openai", method: path, taskRunId: "task-run", namespace, stackRunId: "stack-run", attempt: 1, signal };
      return handler(client, args, context);
    },
  };
}

/** What a call failed with, classified as the kit does (fails the test when it did not throw). */
export async function failureOf(call: Promise<unknown>): Promise<ServiceCallError> {
  try {
    await call;
  } catch (error) {
    return classifyOpenAiError(error) ?? classifyError(error);
  }
  throw new Error("the call succeeded");
}
