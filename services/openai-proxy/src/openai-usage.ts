import type { CallUsage, JsonValue } from "@tasker/contracts";

/**
 * The tokens a call's result reports in its `usage`: chat's `prompt_tokens`/`completion_tokens`,
 * responses' `input_tokens`/`output_tokens`, embeddings' `prompt_tokens` (no output); `total_tokens`
 * as given, else their sum. Undefined when the result reports none (`models.list`, a server that
 * meters nothing).
 */
export function openAiUsageOf(_method: readonly string[], result: JsonValue): CallUsage | undefined {
  const usage = typeof result === "object" && result !== null && !Array.isArray(result) ? result["usage"] : undefined;
  if (typeof usage !== "object" || usage === null || Array.isArray(usage)) return undefined;
  const count = (...names: string[]) => names.map((name) => usage[name]).find((value): value is number => Number.isSafeInteger(value) && (value as number) >= 0);
  const inputTokens = count("prompt_tokens", "input_tokens");
  if (inputTokens === undefined) return undefined;
  const outputTokens = count("completion_tokens", "output_tokens") ?? 0;
  return { inputTokens, outputTokens, totalTokens: count("total_tokens") ?? inputTokens + outputTokens };
}
