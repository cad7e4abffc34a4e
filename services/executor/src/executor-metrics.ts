import type { ActivationKind } from "@tasker/contracts";
import { Counter, Gauge, Histogram } from "prom-client";
import type { ActivationTiming } from "./activation-events.js";

/** Activations run, by `kind` and `outcome` (the VM's: `completed`, `failed`, `suspended`). In the process's default registry. */
export const activations = new Counter({
  name: "tasker_activations_total",
  help: "Activations run by the executor, by kind (start, cache, replay) and outcome (completed, failed, suspended).",
  labelNames: ["kind", "outcome"] as const,
});

/** Wall time of an activation in the sandbox, by `kind`; a replay's includes rebuilding the VM. */
export const activationDuration = new Histogram({
  name: "tasker_activation_duration_seconds",
  help: "Wall time of an activation in the sandbox, from taking a worker to the VM idle, by kind (a replay's includes rebuilding the VM).",
  labelNames: ["kind"] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** Suspended VMs held by the executors of this process. */
export const vmCacheEntries = new Gauge({
  name: "tasker_vm_cache_entries",
  help: "Suspended VMs kept alive in the executor's cache.",
});

/** The bytes those VMs were measured at. */
export const vmCacheBytes = new Gauge({
  name: "tasker_vm_cache_bytes",
  help: "Memory of the suspended VMs in the executor's cache, as measured when each suspended.",
});

/** VMs the cache let go of before their run ended, by `reason`: `lru` (over its count or bytes), `too_large` (never kept). */
export const vmCacheEvictions = new Counter({
  name: "tasker_vm_cache_evictions_total",
  help: "VMs dropped from the executor's cache to stay within TASKER_VM_CACHE_SIZE / TASKER_VM_CACHE_MB (reason lru), or never kept because larger than it (reason too_large).",
  labelNames: ["reason"] as const,
});

/**
 * Counts an activation of `kind` (how it got its VM) that ended in `outcome`, and its duration since
 * `since` (`performance.now()`); returns what it counted, to be recorded with the activation.
 */
export function noteActivation(kind: ActivationKind, since: number, outcome: "completed" | "failed" | "suspended"): ActivationTiming {
  const durationMs = performance.now() - since;
  activations.inc({ kind, outcome });
  activationDuration.observe({ kind }, durationMs / 1000);
  return { kind, durationMs: Math.round(durationMs * 10) / 10 };
}
