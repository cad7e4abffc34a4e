import { collectDefaultMetrics, register, Registry } from "prom-client";

// prom-client's process metrics (CPU, memory, event loop lag, handles), once per process.
collectDefaultMetrics();

/** The content type of `metricsText`: Prometheus's text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = register.contentType;

/**
 * What `GET /metrics` answers: the process's metrics (prom-client's default registry, where the
 * services count what they do) with `deployment`'s (see `deploymentMetrics`), in Prometheus text.
 */
export function metricsText(deployment: Registry): Promise<string> {
  return Registry.merge([register, deployment]).metrics();
}
