import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { type DirectStartReply, type DirectStartRequest, directStartSubject } from "@tasker/contracts";
import { maxPayloadOf } from "./max-payload.js";

/** Every executor of a deployment answers direct starts in this queue group: one of them takes each. */
const QUEUE = "executor";

/** A running server of direct starts: `close` stops taking them and resolves when those under way have answered. */
export interface DirectStartServer {
  close(): Promise<void>;
}

/**
 * Offers a submission to the executors of the deployment under `prefix` to record with its root's
 * first activation (see `serveDirectStarts`), telling them it waits `timeoutMs` (the request's
 * `waitMs`); their answer, or undefined when none came: no executor
 * listens, none answered within `timeoutMs`, or the request is larger than NATS carries. Undefined and
 * `declined` alike mean the caller records the submission itself, on condition that the run's stream
 * does not exist: an executor still at work when the wait ran out then fails to append.
 */
export async function requestDirectStart(nats: NatsConnection, prefix: string, events: DirectStartRequest["events"], timeoutMs: number): Promise<DirectStartReply | undefined> {
  const payload = JSON.stringify({ events, waitMs: timeoutMs } satisfies DirectStartRequest);
  if (Buffer.byteLength(payload) > maxPayloadOf(nats)) return undefined;
  try {
    const reply = await nats.request(directStartSubject(prefix), payload, { timeout: timeoutMs });
    return reply.json<DirectStartReply>();
  } catch {
    return undefined;
  }
}

/**
 * Answers the gateway's direct starts (`directStartSubject`) with `start` (see `DirectStarter`), one
 * executor of the deployment taking each. A request whose shape is not a submission's (its events are
 * validated in full when appended) or whose start threw is declined: nothing is recorded, the gateway
 * appends the submission itself.
 */
export function serveDirectStarts(nats: NatsConnection, prefix: string, start: (request: DirectStartRequest) => Promise<DirectStartReply>): DirectStartServer {
  const underWay = new Set<Promise<void>>();
  const subscription: Subscription = nats.subscribe(directStartSubject(prefix), {
    queue: QUEUE,
    callback: (error, msg) => {
      if (error) return;
      const answered = answer(msg.string(), start).then((reply) => {
        const text = JSON.stringify(reply);
        // A run recorded with a result too large to carry is read back by the gateway.
        msg.respond(Buffer.byteLength(text) > maxPayloadOf(nats) ? JSON.stringify({ recorded: [] }) : text);
      });
      underWay.add(answered);
      // An answer that could not be sent (the connection closing) leaves the gateway to its wait's end.
      void answered.catch(() => undefined).finally(() => underWay.delete(answered));
    },
  });
  return {
    async close() {
      subscription.unsubscribe();
      await Promise.allSettled([...underWay]);
    },
  };
}

async function answer(text: string, start: (request: DirectStartRequest) => Promise<DirectStartReply>): Promise<DirectStartReply> {
  let request: DirectStartRequest;
  try {
    request = JSON.parse(text) as DirectStartRequest;
  } catch {
    return { declined: "the request is not JSON" };
  }
  const [submitted, created] = Array.isArray(request?.events) ? request.events : [];
  if (submitted?.type !== "run.submitted" || created?.type !== "stack.created" || created.data?.parentStackRunId !== null) return { declined: "the request is not a submission" };
  if (request.waitMs !== undefined && !(typeof request.waitMs === "number" && request.waitMs >= 0)) return { declined: "its waitMs is not a number of milliseconds" };
  try {
    return await start(request);
  } catch (error) {
    return { declined: `its start failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
