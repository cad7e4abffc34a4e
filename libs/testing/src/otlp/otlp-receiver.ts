import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJsonSpans, decodeProtobufSpans } from "./decode-otlp.js";
import type { ReceivedSpan } from "./otlp-span.js";

/** An OTLP/HTTP trace receiver on 127.0.0.1: what the processes under test export to. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the value of `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string;
  /** Every span received so far, in arrival order. */
  spans(): readonly ReceivedSpan[];
  /** The content types of the requests received so far (to tell protobuf from JSON). */
  contentTypes(): readonly string[];
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Starts a receiver of `POST /v1/traces` in OTLP/HTTP, protobuf (`application/x-protobuf`) or JSON
 * (`application/json`), as the OTLP exporters send them: each request's spans are decoded and kept;
 * it answers an empty `ExportTraceServiceResponse`. Anything else is answered 404 or 415.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const types: string[] = [];
  const server = createServer((request, response) => {
    if (request.method !== "POST" || request.url !== "/v1/traces") return void response.writeHead(404).end();
    const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim();
    void bodyOf(request).then((body) => {
      if (type === "application/x-protobuf") {
        received.push(...decodeProtobufSpans(body));
        response.writeHead(200, { "content-type": type }).end();
      } else if (type === "application/json") {
        received.push(...decodeJsonSpans(body));
        response.writeHead(200, { "content-type": type }).end("{}");
      } else {
        return void response.writeHead(415).end();
      }
      types.push(type);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => received,
    contentTypes: () => types,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
