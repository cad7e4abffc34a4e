import type { CallUsage, JsonValue } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import type { MethodTable } from "./method-table.js";
import type { ServiceCallError } from "./service-error.js";

/** How a service's calls are run: its defaults, each overridable by the environment (see `serviceSettings`). */
export interface ServiceDefaults {
  /** One attempt's time limit, ms. */
  readonly timeoutMs: number;
  /** Attempts in all before the last retryable error is final. */
  readonly maxAttempts: number;
  /** Calls one instance runs at once. */
  readonly concurrency: number;
  /** Calls per second one instance starts (token bucket); 0: unlimited. */
  readonly ratePerSecond: number;
  /** Largest result JSON, bytes: larger fails RESULT_TOO_LARGE. */
  readonly maxResultBytes: number;
  /**
   * Longest wait before a retry, ms: an upstream's `Retry-After` longer than this fails the call at
   * once (its code, the wait it asked for in the message) rather than leave the run waiting that long.
   */
  readonly maxRetryDelayMs: number;
}

/**
 * A wrapped service: one folder under `services/` gives the kit this, and the kit does the rest
 * (consumer, claim, allowlist, timeout, retries, limits, settling). `Client` is what the methods call
 * (an SDK client, a repository), made once per process by `open`.
 */
export interface WrappedService<Client> {
  /** The process's name for `tasker start`: `gapi-proxy`, `keystore`, ... */
  readonly name: string;
  /** The `tools.<service>` whose calls it takes: `gapi`, `keystore`, ... */
  readonly service: string;
  readonly methods: MethodTable<Client>;
  readonly defaults?: Partial<ServiceDefaults>;
  /** Makes the client, reading its own configuration from `platform.config`/`process.env`; may throw a clear configuration error. */
  open(platform: Platform): Promise<Client>;
  /** Releases the client (optional). */
  close?(client: Client): Promise<void>;
  /**
   * Classifies what a handler threw that is not a `ServiceCallError` (an SDK's error object). The kit
   * falls back to `classifyError` (HTTP status, `Retry-After`, network codes) when absent or when
   * this returns undefined.
   */
  classify?(error: unknown): ServiceCallError | undefined;
  /**
   * The tokens a successful call of `method` cost, read from its `result` (optional): recorded in
   * the call's `stack.completed` as `usage`. Undefined: the call records none.
   */
  usageOf?(method: readonly string[], result: JsonValue): CallUsage | undefined;
}
