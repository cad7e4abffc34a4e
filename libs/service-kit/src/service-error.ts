/**
 * The codes a wrapped-service call fails with, as the task's `error.code` reads them. A service may
 * use others (`SECRET_NOT_FOUND`, `INVALID_ARGUMENT`, ...); these are the kit's own.
 */
export const ServiceCodes = {
  /** The upstream answered 4xx (other than 408/429): the request is wrong; not retried. */
  UPSTREAM_4XX: "UPSTREAM_4XX",
  /** The upstream answered 5xx, every attempt. */
  UPSTREAM_5XX: "UPSTREAM_5XX",
  /** The upstream answered 429, every attempt. */
  RATE_LIMITED: "RATE_LIMITED",
  /** An attempt took longer than the service's timeout, every attempt; or a call's own `timeoutMs` passed. */
  TIMEOUT: "TIMEOUT",
  /** The network failed (refused, reset, DNS), every attempt. */
  NETWORK_ERROR: "NETWORK_ERROR",
  /** The upstream answered something the service cannot read. */
  UPSTREAM_FORMAT: "UPSTREAM_FORMAT",
  /** The method path is not one the service offers. */
  UNKNOWN_METHOD: "UNKNOWN_METHOD",
  PERMISSION_DENIED: "PERMISSION_DENIED",
  /** The call's arguments are not what the method takes. */
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  /** The result's JSON is larger than the service's result limit. */
  RESULT_TOO_LARGE: "RESULT_TOO_LARGE",
  /** The service failed in a way it did not foresee (a bug): the message says what, never a host stack. */
  SERVICE_ERROR: "SERVICE_ERROR",
} as const;

export interface ServiceCallErrorOptions {
  /** The upstream HTTP status, when there is one. */
  readonly status?: number;
  /** Whether another attempt may succeed (network, timeout, 408/429/5xx). Default false. */
  readonly retryable?: boolean;
  /** The upstream's `Retry-After`, in ms: the next attempt waits at least this long. */
  readonly retryAfterMs?: number;
  /** Extra JSON facts for the task (the upstream's own error reason, say): never a header or a secret. */
  readonly details?: Record<string, string | number | boolean | null>;
}

/**
 * A classified failure of one attempt of a wrapped-service call: what a method handler or a
 * service's `classify` throws/returns. Its `message` reaches the task as written, so it must be one a
 * person can act on and hold no secret, no header, no host path.
 */
export class ServiceCallError extends Error {
  override readonly name = "ServiceCallError";
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, string | number | boolean | null> | undefined;

  constructor(
    readonly code: string,
    message: string,
    options: ServiceCallErrorOptions = {},
  ) {
    super(message);
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }
}
