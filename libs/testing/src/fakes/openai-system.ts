import { randomBytes } from "node:crypto";
import { DEFAULT_LAYOUT, TaskerSystem } from "../tasker-system.js";
import type { FakeOpenAi } from "./fake-openai.js";

/** Every service, the keystore included, with one openai-proxy instance. */
export const OPENAI_LAYOUT: Readonly<Record<string, string>> = { ...DEFAULT_LAYOUT, "openai-proxy": "openai-proxy" };

/**
 * A task making the openai calls of its input (`{calls: [[path, body], ...]}`) at once: per call
 * `{ok: true, data}` or `{ok: false, code, message, status, details}`.
 */
export const OPENAI_CALLS_TASK = `module.exports = async (input) => Promise.all(input.calls.map(async ([path, body]) => {
  try {
    return { ok: true, data: await __callHostTool__("openai", path, body === undefined ? [] : [body]) };
  } catch (error) {
    return { ok: false, code: error.code, message: error.message, status: error.status ?? null, details: error.details ?? null };
  }
}));`;

/**
 * A whole Tasker (`layout`, every service its own process) whose openai-proxy talks to `openai`
 * (`OPENAI_BASE_URL`), with a master key, the fake's key in namespace default's keystore under
 * `openai-api-key`, and `settings` over those.
 */
export async function startOpenAiSystem(openai: FakeOpenAi, settings: Record<string, string> = {}, layout = OPENAI_LAYOUT): Promise<TaskerSystem> {
  const tasker = await TaskerSystem.start({ TASKER_MASTER_KEY: randomBytes(32).toString("base64"), OPENAI_BASE_URL: openai.baseUrl, ...settings }, layout);
  const operator = settings["TASKER_ADMIN_TOKEN"];
  const { status } = await tasker.request("PUT", "/keys/openai-api-key", { value: openai.apiKey }, operator ? { authorization: `Bearer ${operator}` } : {});
  if (status !== 204) {
    await tasker.stop();
    throw new Error(`storing the fake's OpenAI key answered ${status}`);
  }
  return tasker;
}
