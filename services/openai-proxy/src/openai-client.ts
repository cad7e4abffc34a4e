import { ServiceCallError } from "@tasker/service-kit";
import OpenAI from "openai";
import type { OpenAiConfig } from "./openai-config.js";

/** Where the openai service finds a namespace's API key: the keystore, in production. */
export interface OpenAiDeps {
  /** The secret named `name` of `namespace`, or undefined when none is set. Read at every call, so a key set or rotated later is used. */
  loadKey(namespace: string, name: string): Promise<string | undefined>;
}

/** An SDK client acting with one namespace's key, and that key (to scrub it from what an error says). */
export interface OpenAiSession {
  readonly api: OpenAI;
  readonly key: string;
}

/** What the openai method handlers call. */
export interface OpenAiClient {
  readonly config: OpenAiConfig;
  /** A session with `namespace`'s key; throws `SECRET_NOT_FOUND` (terminal) naming the keystore name when it has none. */
  session(namespace: string): Promise<OpenAiSession>;
}

/**
 * An `OpenAiClient` over `deps`: per call, the namespace's key from the keystore and an SDK client
 * with it, pointed at `OPENAI_BASE_URL`. The SDK retries nothing (`maxRetries: 0`): the kit retries,
 * durably.
 */
export function createOpenAiClient(config: OpenAiConfig, deps: OpenAiDeps): OpenAiClient {
  const name = config.OPENAI_API_KEY_NAME;
  return {
    config,
    async session(namespace) {
      const key = await deps.loadKey(namespace, name);
      if (key === undefined || key === "") {
        throw new ServiceCallError(
          "SECRET_NOT_FOUND",
          `no OpenAI API key in the keystore under "${name}" for namespace ${namespace}: set it with tasker keys set ${name} --value <key> (with an admin key of namespace ${namespace})`,
          { details: { keyName: name } },
        );
      }
      const api = new OpenAI({ apiKey: key, maxRetries: 0, ...(config.OPENAI_BASE_URL && { baseURL: config.OPENAI_BASE_URL }) });
      return { api, key };
    },
  };
}
