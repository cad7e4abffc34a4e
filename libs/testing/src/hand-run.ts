import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { consumerName, eventStreamName } from "@tasker/bus";
import { type CallResult, type ErrorInfo, type JsonValue, newId, patterns, type RecordedEvent, runStreamId, type TaskerEvent, type WriteMetadata } from "@tasker/contracts";
import type { EventStore } from "@tasker/event-store";
import { resumeGuard, RUN_OPEN, stackGuard } from "@tasker/run-model";

/**
 * One run driven by hand: the appends the gateway, an executor and a wrapped service would make,
 * with the same conditions.
 */
export class HandRun {
  readonly taskRunId: string;
  readonly rootId: string;
  readonly streamId: string;

  /** A new run, or `same` run appended through another store. */
  constructor(
    private readonly store: EventStore,
    same?: HandRun,
  ) {
    this.taskRunId = same?.taskRunId ?? newId();
    this.rootId = same?.rootId ?? newId();
    this.streamId = runStreamId(this.taskRunId);
  }

  /** The run's first events, as the gateway appends them: `input` is the run's and its root call's. */
  submit(input: JsonValue = null): Promise<unknown> {
    const { taskRunId, rootId } = this;
    return this.store.append(this.streamId, "no_stream", [
      { type: "run.submitted", data: { taskRunId, taskName: "t", taskVersion: "v1", input, idempotencyKey: null } },
      {
        type: "stack.created",
        data: { stackRunId: rootId, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["t", input], depth: 0, taskVersion: "v1" },
      },
    ]);
  }

  /** Activation `activation` of the root ends suspended, having made `calls` new gapi calls (from seq `firstSeq`). */
  async suspend(activation: number, calls: number, waitingOn: number[], worker = "executor-a1", firstSeq = 0): Promise<string[]> {
    const ids = Array.from({ length: calls }, () => newId());
    const events: TaskerEvent[] = [
      ...(activation > 1 ? [{ type: "vm.resumed" as const, data: { stackRunId: this.rootId, activation, at: activation } }] : []),
      ...ids.map((stackRunId, index): TaskerEvent => ({
        type: "stack.created",
        data: { stackRunId, parentStackRunId: this.rootId, seq: firstSeq + index, service: "gapi", method: ["list"], args: [], depth: 1, taskVersion: null },
      })),
      { type: "vm.suspended", data: { stackRunId: this.rootId, activation, at: activation, waitingOn, worker } },
    ];
    await this.store.append(this.streamId, [{ guard: stackGuard(this.rootId), version: activation - 1 }, RUN_OPEN], events);
    return ids;
  }

  /** A call settles with `result`, by the worker that made its activation number `activations + 1`, which writes `metadata`. */
  async complete(stackRunId: string, result: JsonValue, activations = 0, metadata: WriteMetadata = {}): Promise<RecordedEvent[]> {
    const { events } = await this.store.append(this.streamId, [{ guard: stackGuard(stackRunId), version: activations }, RUN_OPEN], [{ type: "stack.completed", data: { stackRunId, result }, metadata }]);
    return events;
  }

  /** A call fails with `error`, by the worker that made its activation number `activations + 1`. */
  fail(stackRunId: string, error: ErrorInfo, activations = 0): Promise<unknown> {
    return this.store.append(this.streamId, [{ guard: stackGuard(stackRunId), version: activations }, RUN_OPEN], [{ type: "stack.failed", data: { stackRunId, error } }]);
  }

  /** The root, suspended at `activation - 1`, is to resume with `results`, as the rules decide it. */
  resume(activation: number, results: CallResult[], worker: string): Promise<unknown> {
    const { rootId } = this;
    return this.store.append(
      this.streamId,
      [{ guard: resumeGuard(rootId), version: activation - 2 }, { guard: stackGuard(rootId), version: activation - 1, check: true }, RUN_OPEN],
      [{ type: "resume.requested", data: { stackRunId: rootId, activation, results, worker } }],
    );
  }

  /** The root's activation `activation` returns `result`. */
  finish(activation: number, result: JsonValue): Promise<unknown> {
    return this.store.append(this.streamId, [{ guard: stackGuard(this.rootId), version: activation - 1 }, RUN_OPEN], [
      { type: "vm.resumed", data: { stackRunId: this.rootId, activation, at: activation } },
      { type: "stack.completed", data: { stackRunId: this.rootId, result } },
    ]);
  }

  cancel(reason: string): Promise<unknown> {
    return this.store.append(this.streamId, "any", [{ type: "run.cancel-requested", data: { taskRunId: this.taskRunId, reason } }]);
  }

  /** The stream once `found` holds of it; fails after a deadline naming what the stream holds. */
  async until(found: (events: RecordedEvent[]) => boolean, timeoutMs = 10_000): Promise<RecordedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await this.store.readStream(this.streamId);
      if (found(events)) return events;
      if (Date.now() > deadline) throw new Error(`timed out; the stream holds: ${events.map((event) => event.type).join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

const WAKING = [patterns.event("stack.completed"), patterns.event("stack.failed"), patterns.event("vm.suspended"), patterns.event("run.cancel-requested"), patterns.event("signal.received"), patterns.stackCreated("signals")];

/** Resolves once the stack-processor's consumers have handled (acked) every waking event published so far. */
export async function processorIdle(nats: NatsConnection, prefix: string, timeoutMs = 10_000): Promise<void> {
  const jsm = await jetstreamManager(nats);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const infos = await Promise.all(WAKING.map((pattern) => jsm.consumers.info(eventStreamName(prefix), consumerName("stack-processor", pattern))));
    const pending = infos.reduce((sum, info) => sum + info.num_pending + info.num_ack_pending, 0);
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`the stack-processor still has ${pending} messages pending or unacked`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function ofType<T extends RecordedEvent["type"]>(events: RecordedEvent[], type: T): Extract<RecordedEvent, { type: T }>[] {
  return events.filter((event): event is Extract<RecordedEvent, { type: T }> => event.type === type);
}
