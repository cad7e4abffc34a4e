import { collectDefaultMetrics, register, Registry } from "prom-client";
import type { Platform } from "../platform.js";
import { deploymentMetrics } from "./deployment-metrics.js";

/** What `GET /metrics` answers, wherever it is served (the gateway, the `HEALTH_PORT` server). */
export interface MetricsEndpoint {
  /** Prometheus's text exposition format 0.0.4. */
  readonly contentType: string;
  /** The process's metrics and the deployment's, in Prometheus text; rejects only on a bug (a failing look leaves its gauge out). */
  scrape(): Promise<string>;
}

let collectingProcessMetrics = false;

/**
 * The `/metrics` of a process on `platform`: prom-client's default registry (where the services count
 * what they do, and prom-client's process metrics: CPU, memory, event-loop lag, handles — started with
 * the first endpoint) with the deployment's gauges (`deploymentMetrics`).
 */
export function metricsEndpoint(platform: Platform): MetricsEndpoint {
  if (!collectingProcessMetrics) {
    collectDefaultMetrics();
    collectingProcessMetrics = true;
  }
  const deployment = deploymentMetrics(platform);
  return {
    contentType: register.contentType,
    scrape: () => Registry.merge([register, deployment]).metrics(),
  };
}
