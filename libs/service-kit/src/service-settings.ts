import { z } from "zod";
import { ValidationError } from "@tasker/contracts";
import type { ServiceDefaults } from "./wrapped-service.js";

const MiB = 1024 * 1024;

/** What every service gets unless it says otherwise. */
export const KIT_DEFAULTS: ServiceDefaults = { timeoutMs: 30_000, maxAttempts: 5, concurrency: 16, ratePerSecond: 0, maxResultBytes: MiB, maxRetryDelayMs: 5 * 60_000 };

/** The environment prefix of a service's settings: `gapi` → `GAPI_`, `web-search` → `WEB_SEARCH_`. */
export function settingsPrefix(service: string): string {
  return `${service.toUpperCase().replaceAll("-", "_")}_`;
}

/**
 * A service's settings: its `defaults` over the kit's, each overridden by `<PREFIX>TIMEOUT_MS`,
 * `<PREFIX>MAX_ATTEMPTS`, `<PREFIX>CONCURRENCY`, `<PREFIX>RATE_PER_SECOND`, `<PREFIX>MAX_RESULT_BYTES`,
 * `<PREFIX>MAX_RETRY_DELAY_MS` (see `settingsPrefix`). A bad value throws a `ValidationError` naming the variable.
 */
export function serviceSettings(service: string, defaults: Partial<ServiceDefaults> = {}, env: Record<string, string | undefined> = process.env): ServiceDefaults {
  const base = { ...KIT_DEFAULTS, ...defaults };
  const prefix = settingsPrefix(service);
  const setting = (name: string, fallback: number, min: number) => {
    const raw = env[`${prefix}${name}`];
    if (raw === undefined || raw === "") return fallback;
    const parsed = z.coerce.number().int().min(min).safeParse(raw);
    if (!parsed.success) throw new ValidationError(`invalid configuration: ${prefix}${name}: must be an integer of at least ${min}`, `${prefix}${name}`, "INVALID_CONFIGURATION");
    return parsed.data;
  };
  return {
    timeoutMs: setting("TIMEOUT_MS", base.timeoutMs, 1),
    maxAttempts: setting("MAX_ATTEMPTS", base.maxAttempts, 1),
    concurrency: setting("CONCURRENCY", base.concurrency, 1),
    ratePerSecond: setting("RATE_PER_SECOND", base.ratePerSecond, 0),
    maxResultBytes: setting("MAX_RESULT_BYTES", base.maxResultBytes, 1),
    maxRetryDelayMs: setting("MAX_RETRY_DELAY_MS", base.maxRetryDelayMs, 0),
  };
}
