/** Percentile (0–100) of samples in milliseconds, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Milliseconds elapsed since `start` (a `performance.now()` reading), to 3 decimals. */
export function since(start: number): number {
  return round(performance.now() - start);
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Prints one benchmark result as a JSON line (machine-readable, one figure set per line). */
export function report(figures: Record<string, unknown>): void {
  console.log(JSON.stringify(figures));
}
