import { ValidationError } from "@tasker/contracts";

/** The OTLP protocols the exporter speaks (`OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`). */
export const OTLP_PROTOCOLS = ["http/protobuf", "http/json", "grpc"] as const;

/**
 * Whether this process exports traces: an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and `OTEL_SDK_DISABLED` is not `true`. Throws a
 * `ValidationError` (`INVALID_CONFIGURATION`) naming the variable when a protocol variable holds
 * something other than `OTLP_PROTOCOLS`. The SDK reads every other `OTEL_*` variable itself.
 */
export function tracingWanted(env: Record<string, string | undefined>): boolean {
  for (const variable of ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]) {
    const protocol = env[variable];
    if (protocol && !(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) {
      throw new ValidationError(`invalid configuration: ${variable}: must be one of ${OTLP_PROTOCOLS.join(", ")}`, variable, "INVALID_CONFIGURATION");
    }
  }
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}
