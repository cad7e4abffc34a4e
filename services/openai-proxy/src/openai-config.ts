import { readEnvironment } from "@tasker/platform";
import { z } from "zod";

const Environment = z.object({
  /** The keystore name each namespace's OpenAI API key is stored under. */
  OPENAI_API_KEY_NAME: z.string().min(1).default("openai-api-key"),
  /** Where the OpenAI API answers (any OpenAI-compatible server); unset, OpenAI's own `https://api.openai.com/v1`. */
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL like https://api.openai.com/v1" }).optional(),
});

/** The openai service's settings, read from the environment by `loadOpenAiConfig`. */
export type OpenAiConfig = z.infer<typeof Environment>;

/**
 * Reads and validates the openai service's settings (empty variables count as unset); a bad value
 * throws a `ValidationError` (`INVALID_CONFIGURATION`) naming the variable and what it must be.
 */
export function loadOpenAiConfig(env: Record<string, string | undefined> = process.env): OpenAiConfig {
  return readEnvironment(Environment, env);
}
