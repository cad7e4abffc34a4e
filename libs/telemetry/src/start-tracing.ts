import type { RequestOptions } from "node:http";
import { register } from "node:module";
import { trace } from "@opentelemetry/api";
import { ChosenSpanIds } from "./span-ids.js";
import { tracingWanted } from "./tracing-settings.js";
import { useTracing } from "./tracer.js";

/** The modules imported as ES modules the instrumentations patch; the CommonJS ones (`pg`, `@grpc/grpc-js`) they patch at `require`. */
const HOOKED_MODULES = ["http", "node:http", "https", "node:https"];

/** Requests for the health probes are not traced: every few seconds, and no part of a run. */
const UNTRACED_PATHS = new Set(["/health"]);

/** `protocol://host:port` of an outgoing request: where it went, without what it asked. */
function originOf(request: RequestOptions): string {
  const host = request.hostname ?? request.host ?? "localhost";
  return `${request.protocol ?? "http:"}//${host}${request.port ? `:${request.port}` : ""}`;
}

/**
 * Starts `@opentelemetry/sdk-node` for process `service` when an OTLP endpoint is set (see
 * `tracingWanted`), and answers whether it did; otherwise loads nothing. `shutdownTracing` stops it. Must run before
 * the process imports `pg`, `http` or `@grpc/grpc-js`: it registers the ESM loader hook the
 * instrumentations patch those modules through, so a `main.ts` calls it first and imports the rest
 * with `import()` after. The exporter, protocol, sampler and batching come from the standard
 * `OTEL_*` variables; the service name from `OTEL_SERVICE_NAME`, by default `tasker-<service>`.
 * Spans carry no statement parameters, no bodies, no headers, and of an outgoing request only its origin.
 */
export async function startTracing(service: string, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  if (!tracingWanted(env)) return false;
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url, { data: { include: HOOKED_MODULES } });
  const [{ NodeSDK }, { RandomIdGenerator }, { HttpInstrumentation }, { GrpcInstrumentation }, { PgInstrumentation }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-grpc"),
    import("@opentelemetry/instrumentation-pg"),
  ]);
  const ids = new ChosenSpanIds(new RandomIdGenerator());
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: `tasker-${service}` }),
    idGenerator: ids,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(request.url?.split("?")[0] ?? ""),
        // An upstream's path and query may hold what a task passed (a search, a user's address): its origin only.
        startOutgoingSpanHook: (request) => ({ "url.full": originOf(request) }),
      }),
      new GrpcInstrumentation(),
      // Only inside a span of Tasker's: the pollers' and sweeps' queries would each be a trace of their own.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
  sdk.start();
  useTracing({ tracer: trace.getTracer("tasker"), ids, shutdown: () => sdk.shutdown() });
  return true;
}
