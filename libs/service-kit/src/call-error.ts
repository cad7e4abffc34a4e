import type { ErrorInfo } from "@tasker/contracts";
import type { ServiceCallError } from "./service-error.js";

/**
 * The error a task's call rejects with for a service's classified failure: a `ServiceError` with the
 * failure's code and message, and as own properties `service`, `method` (the dotted path), `attempts`
 * and, when the upstream answered, its HTTP `status`, plus the failure's own details. Nothing else of
 * the host (no stack, no request, no header) crosses.
 */
export function callError(failure: ServiceCallError, service: string, method: readonly string[], attempts: number): ErrorInfo {
  return {
    code: failure.code,
    name: "ServiceError",
    message: failure.message,
    details: {
      ...failure.details,
      service,
      method: method.join("."),
      attempts,
      ...(failure.status === undefined ? {} : { status: failure.status }),
    },
  };
}
