import type { JsonValue } from "@tasker/contracts";

/**
 * When an admitted call's durable timer fires (`stack.created`'s `dueAt`), made at `at` (epoch ms):
 * `sleep(ms)` at `at + ms` (at once for 0 or less); `signals.wait(name, {timeoutMs})` and
 * `tasks.execute(name, input, {timeoutMs})` at `at + timeoutMs`; null for any other call, or without a
 * `timeoutMs`. Pure; the call was admitted (`admitCalls`), so its arguments have their shapes.
 */
export function callDueAt(call: { readonly service: string; readonly args: readonly unknown[] }, at: number): string | null {
  if (call.service === "sleep") return new Date(at + Math.max(0, call.args[0] as number)).toISOString();
  const options = call.service === "signals" ? call.args[1] : call.service === "tasks" ? call.args[2] : undefined;
  const timeoutMs = typeof options === "object" && options !== null ? (options as { timeoutMs?: JsonValue }).timeoutMs : undefined;
  return typeof timeoutMs === "number" ? new Date(at + timeoutMs).toISOString() : null;
}
