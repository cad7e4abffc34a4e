import { register } from "node:module";
import { trace } from "@opentelemetry/api";
import { tracingWanted } from "./tracing-settings.js";
import { useTracing } from "./tracer.js";

/** The modules imported as ES modules the instrumentations patch; the CommonJS ones (`pg`, `@grpc/grpc-js`) they patch at `require`. */
const HOOKED_MODULES = ["http", "node:http", "https", "node:https"];

/** Requests for the health probes are not traced: every few seconds, and no part of a run. */
const UNTRACED_PATHS = new Set(["/health"]);

/**
 * Starts `@opentelemetry/sdk-node` for process `service` when an OTLP endpoint is set (see
 * `tracingWanted`), and answers whether it did; otherwise loads nothing. `shutdownTracing` stops it. Must run before
 * the process imports `pg`, `http` or `@grpc/grpc-js`: it registers the ESM loader hook the
 * instrumentations patch those modules through, so a `main.ts` calls it first and imports the rest
 * with `import()` after. The exporter, protocol, sampler and batching come from the standard
 * `OTEL_*` variables; the service name from `OTEL_SERVICE_NAME`, by default `tasker-<service>`.
 * Spans carry no statement parameters, no bodies and no headers.
 */
export async function startTracing(service: string, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  if (!tracingWanted(env)) return false;
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url, { data: { include: HOOKED_MODULES } });
  const [{ NodeSDK }, { RandomIdGenerator }, { HttpInstrumentation }, { GrpcInstrumentation }, { PgInstrumentation }, { ChosenSpanIds }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-grpc"),
    import("@opentelemetry/instrumentation-pg"),
    import("./span-ids.js"),
  ]);
  const ids = new ChosenSpanIds(new RandomIdGenerator());
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: `tasker-${service}` }),
    idGenerator: ids,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(request.url?.split("?")[0] ?? "") }),
      new GrpcInstrumentation(),
      // Only inside a span of Tasker's: the pollers' and sweeps' queries would each be a trace of their own.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
  sdk.start();
  useTracing({ tracer: trace.getTracer("tasker"), ids, shutdown: () => sdk.shutdown() });
  return true;
}
