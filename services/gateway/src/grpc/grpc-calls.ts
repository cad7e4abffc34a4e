import type { Metadata, sendUnaryData, ServerUnaryCall, ServerWritableStream } from "@grpc/grpc-js";
import type { Caller, GatewayAction } from "../auth/access-rule.js";
import type { RequestAuthenticator } from "../auth/request-authenticator.js";
import { toGrpcError } from "./grpc-status.js";

/** The `authorization` metadata of a call (`Bearer <key>`), as HTTP's header. */
function authorizationOf(metadata: Metadata): string | undefined {
  const [value] = metadata.get("authorization");
  return typeof value === "string" ? value : undefined;
}

/**
 * A unary handler from an async function, for a caller authorized for `action` by its
 * `authorization` metadata; its errors (401 and 403 included) become gRPC statuses. The signal
 * `handle` receives aborts when the client cancels the call: a handler that waits stops there.
 */
export function unary<Request, Response>(
  authenticator: RequestAuthenticator,
  action: GatewayAction,
  handle: (caller: Caller, request: Request, signal: AbortSignal) => Promise<Response>,
) {
  return (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
    const clientGone = new AbortController();
    call.once("cancelled", () => clientGone.abort());
    authenticator.authorize(authorizationOf(call.metadata), action).then((caller) => handle(caller, call.request, clientGone.signal)).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toGrpcError(error)),
    );
  };
}

/** Resolves when `call` can take more, or once `signal` aborts: a slow client holds the reading back instead of our memory. */
function drained(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    call.once("drain", done);
    if (signal.aborted) return done();
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * A server-streaming handler, for a caller authorized for `action` by its `authorization` metadata:
 * `open` checks the request (its errors, thrown before the first message, become the call's status)
 * and gives the messages to send; the call ends OK when they end. `signal`, passed to `open`, aborts
 * when the client cancels or `closing` aborts (the server stops): the messages must then end.
 */
export function serverStream<Request, Message>(
  authenticator: RequestAuthenticator,
  action: GatewayAction,
  closing: AbortSignal,
  open: (caller: Caller, request: Request, signal: AbortSignal) => Promise<AsyncIterable<Message>>,
) {
  return (call: ServerWritableStream<Request, Message>) => {
    const clientGone = new AbortController();
    call.once("cancelled", () => clientGone.abort());
    const signal = AbortSignal.any([clientGone.signal, closing]);
    const send = async () => {
      const caller = await authenticator.authorize(authorizationOf(call.metadata), action);
      for await (const message of await open(caller, call.request, signal)) {
        if (signal.aborted) break;
        if (!call.write(message)) await drained(call as ServerWritableStream<unknown, unknown>, signal);
      }
    };
    send().then(
      () => call.end(),
      (error: unknown) => call.emit("error", toGrpcError(error)),
    );
  };
}
