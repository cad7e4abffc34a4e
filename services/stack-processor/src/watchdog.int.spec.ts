import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { Subscription } from "@nats-io/nats-core";
import { eventStreamName } from "@tasker/bus";
import { newId, type RecordedEvent } from "@tasker/contracts";
import { EventStore } from "@tasker/event-store";
import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { readModelsProjection } from "@tasker/read-models";
import { createIsolatedEnvironment, HandRun, type IsolatedEnvironment, ofType, processorIdle } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackProcessorService } from "./index.js";

const LEASE_MS = 1000;
let env: IsolatedEnvironment;
let handle: ServicesHandle;

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  const config = loadConfig({
    DATABASE_URL: env.databaseUrl,
    NATS_URL: env.natsUrl,
    TASKER_SUBJECT_PREFIX: env.prefix,
    TASKER_LEASE_MS: String(LEASE_MS),
  });
  handle = await startServices(config, [stackProcessorService], "test");
});

afterAll(async () => {
  await handle?.close();
  await env?.cleanup();
});

/** Core-NATS messages on `subject` (no JetStream consumer), with their message ids. */
function watch(subject: string) {
  const seen: { msgId: string | undefined; event: RecordedEvent }[] = [];
  const subscription: Subscription = handle.platform.nats.subscribe(subject, {
    callback: (error, msg) => {
      if (!error) seen.push({ msgId: msg.headers?.get("Nats-Msg-Id"), event: msg.json<RecordedEvent>() });
    },
  });
  return {
    seen,
    async until(count: number): Promise<void> {
      const deadline = Date.now() + 5 * LEASE_MS;
      while (seen.length < count) {
        if (Date.now() > deadline) throw new Error(`saw ${seen.length} of ${count} messages on ${subject}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop: () => subscription.unsubscribe(),
  };
}

/** A store that appends without publishing, as if the process died between commit and publish and the outbox were lost. */
async function appendUnpublished(run: HandRun, append: (run: HandRun) => Promise<unknown>): Promise<void> {
  const silent = new EventStore({ dataSource: handle.platform.dataSource, projections: [readModelsProjection] });
  const before = await silent.readStream(run.streamId);
  await append(new HandRun(silent, run));
  const positions = (await silent.readStream(run.streamId, before.length + 1)).map((event) => event.metadata.position);
  await handle.platform.dataSource.query("DELETE FROM outbox WHERE position = ANY($1)", [positions]);
}

/** A durable consumer of `filter` (below the prefix), as a worker's; `acking`: it acknowledges every message without doing anything. */
async function worker(name: string, filter: string, acking: boolean): Promise<() => Promise<void>> {
  const jsm = await jetstreamManager(handle.platform.nats);
  const stream = eventStreamName(env.prefix);
  await jsm.consumers.add(stream, { durable_name: name, filter_subject: `${env.prefix}.${filter}`, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
  const messages = acking ? await (await jetstream(handle.platform.nats).consumers.get(stream, name)).consume() : undefined;
  const loop = (async () => {
    for await (const msg of messages ?? []) msg.ack();
  })();
  return async () => {
    await messages?.close();
    await loop;
    await jsm.consumers.delete(stream, name);
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("watchdog", () => {
  it("sends again a task call whose message never reached the bus, under a new message id", async () => {
    const run = new HandRun(handle.platform.store);
    const calls = watch(`${env.prefix}.run.${run.taskRunId}.stack.created.tasks`);
    await appendUnpublished(run, (silent) => silent.submit());
    await calls.until(1);
    calls.stop();
    const [created] = ofType(await handle.platform.store.readStream(run.streamId), "stack.created");
    expect(calls.seen[0]!.event).toEqual(created);
    expect(calls.seen[0]!.msgId).toBe(`${created!.metadata.eventId}:after:0`);
  });

  it("sends again a lost call whose arguments hold what PostgreSQL's json operators refuse", async () => {
    const run = new HandRun(handle.platform.store);
    const calls = watch(`${env.prefix}.run.${run.taskRunId}.stack.created.tasks`);
    await appendUnpublished(run, (silent) => silent.submit({ text: "a\u0000b", lone: "\ud800" }));
    await calls.until(1);
    calls.stop();
    expect(calls.seen[0]!.event.data).toMatchObject({ args: ["t", { text: "a\u0000b", lone: "\ud800" }] });
  });

  it("sends again a call its worker acknowledged without recording anything, then fails it with UNPROCESSED", async () => {
    const stop = await worker("lossy_executor", "run.*.stack.created.tasks", true);
    try {
      const run = new HandRun(handle.platform.store);
      const calls = watch(`${env.prefix}.run.${run.taskRunId}.stack.created.tasks`);
      await run.submit();
      const events = await run.until((all) => ofType(all, "run.failed").length > 0, 20 * LEASE_MS);
      calls.stop();
      // The original and three copies, each with a message id of its own, then the call fails.
      expect(calls.seen.map((seen) => seen.msgId)).toEqual([expect.any(String), ...[1, 2, 3].map(() => expect.stringMatching(/:after:\d+$/))]);
      expect(new Set(calls.seen.map((seen) => seen.msgId)).size).toBe(4);
      expect(ofType(events, "stack.failed")).toEqual([expect.objectContaining({ data: { stackRunId: run.rootId, error: expect.objectContaining({ code: "UNPROCESSED" }) } })]);
      expect(ofType(events, "run.failed")[0]!.data.error.code).toBe("UNPROCESSED");
    } finally {
      await stop();
    }
  });

  it("leaves alone a call whose message waits for its consumer, however long: a busy worker gets no copies", async () => {
    const stop = await worker("busy_executor", "run.*.stack.created.tasks", false);
    try {
      const run = new HandRun(handle.platform.store);
      const calls = watch(`${env.prefix}.run.${run.taskRunId}.stack.created.tasks`);
      await run.submit();
      await sleep(4 * LEASE_MS);
      calls.stop();
      expect(calls.seen).toHaveLength(1);
      expect(ofType(await handle.platform.store.readStream(run.streamId), "stack.failed")).toEqual([]);
    } finally {
      await stop();
    }
  });

  it("leaves alone the calls of a service no consumer takes yet: its consumer gets them when it starts", async () => {
    const run = new HandRun(handle.platform.store);
    const calls = watch(`${env.prefix}.run.${run.taskRunId}.stack.created.gapi`);
    await run.submit();
    await run.suspend(1, 1, [0]);
    await sleep(4 * LEASE_MS);
    calls.stop();
    expect(calls.seen).toHaveLength(1);
  });

  it("sends again a resume whose message never reached the bus", async () => {
    const run = new HandRun(handle.platform.store);
    const resumes = watch(`${env.prefix}.run.${run.taskRunId}.resume.requested.>`);
    await run.submit();
    const [child] = await run.suspend(1, 1, [0], "executor-gone");
    await processorIdle(handle.platform.nats, env.prefix);
    await appendUnpublished(run, async (silent) => {
      await silent.complete(child!, 1);
      await silent.resume(2, [{ seq: 0, stackRunId: child!, ok: true, value: 1 }], "executor-gone");
    });
    await resumes.until(1);
    resumes.stop();
    const [recorded] = ofType(await handle.platform.store.readStream(run.streamId), "resume.requested");
    expect(resumes.seen[0]!.event).toEqual(recorded);
    expect(resumes.seen[0]!.msgId).toBe(`${recorded!.metadata.eventId}:after:0`);
  });

  it("decides again for a run whose completions were never published", async () => {
    const run = new HandRun(handle.platform.store);
    await run.submit();
    const [a, b] = await run.suspend(1, 2, [0, 1], "executor-a1");
    // Let the processor see the suspension first, so only the watchdog can find the completions.
    await processorIdle(handle.platform.nats, env.prefix);
    await appendUnpublished(run, async (silent) => {
      await silent.complete(a!, "A");
      await silent.complete(b!, "B");
    });
    const events = await run.until((all) => ofType(all, "resume.requested").length > 0, 5 * LEASE_MS);
    const [resume] = ofType(events, "resume.requested");
    expect(resume!.data).toMatchObject({ activation: 2, results: [{ seq: 0, value: "A" }, { seq: 1, value: "B" }] });
    expect(resume!.metadata.causationId).toBeNull();
  });

  it("ends a run whose root's completion was never published, even beside a run it cannot handle", async () => {
    // A read model row of a run the event store does not have: the watchdog reports it, and goes on.
    await handle.platform.dataSource.query(
      `INSERT INTO stack_runs (stack_run_id, task_run_id, parent_stack_run_id, service, method, depth, status, created_position, created_at, updated_at)
       VALUES ($1, $2, NULL, 'tasks', '["execute"]', 0, 'completed', 0, now() - interval '1 hour', now() - interval '1 hour')`,
      [newId(), newId()],
    );
    const run = new HandRun(handle.platform.store);
    await run.submit();
    await processorIdle(handle.platform.nats, env.prefix);
    await appendUnpublished(run, (silent) => silent.complete(run.rootId, "done"));
    const events = await run.until((all) => ofType(all, "run.completed").length > 0, 5 * LEASE_MS);
    expect(ofType(events, "run.completed")[0]!.data.result).toBe("done");
  });
});
