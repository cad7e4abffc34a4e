/** What `metricValue` reads of a prom-client metric (a `Counter`, `Gauge`, ...). */
export interface ReadableMetric {
  get(): Promise<{ values: readonly { value: number; labels: object }[] }> | { values: readonly { value: number; labels: object }[] };
}

/** The value of `metric`'s series with `labels` (all of them, others ignored) in this process; 0 when it has none yet. */
export async function metricValue(metric: ReadableMetric, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await metric.get();
  return values.find((sample) => Object.entries(labels).every(([key, label]) => (sample.labels as Record<string, unknown>)[key] === label))?.value ?? 0;
}
