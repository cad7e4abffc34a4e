/**
 * A `Retry-After` header's wait in ms: delta-seconds (`"30"`) or an HTTP date, counted from `now`
 * (epoch ms). Undefined when absent or unreadable; never negative.
 */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
