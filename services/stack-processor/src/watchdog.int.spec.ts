import type { Subscription } from "@nats-io/nats-core";
import type { RecordedEvent } from "@tasker/contracts";
import { EventStore } from "@tasker/event-store";
import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { readModelsProjection } from "@tasker/read-models";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackProcessorService } from "./index.js";
import { HandRun, ofType, processorIdle } from "./test-support/executor-like.js";

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

describe("watchdog", () => {
  it("republishes a task call still pending after a lease, under a new message id", async () => {
    const run = new HandRun(handle.platform.store);
    const calls = watch(`${env.prefix}.run.${run.taskRunId}.stack.created.tasks`);
    await run.submit();
    await calls.until(2);
    calls.stop();
    const [original, again] = calls.seen;
    expect(again!.event).toEqual(original!.event);
    expect(original!.msgId).toBe(original!.event.metadata.eventId);
    expect(again!.msgId).toBe(`${original!.event.metadata.eventId}:redispatch:1`);
  });

  it("republishes a resume no executor acted on", async () => {
    const run = new HandRun(handle.platform.store);
    const resumes = watch(`${env.prefix}.run.${run.taskRunId}.resume.requested.>`);
    await run.submit();
    const [child] = await run.suspend(1, 1, [0], "executor-gone");
    await run.complete(child!, 1);
    await resumes.until(2);
    resumes.stop();
    expect(resumes.seen[1]!.event).toEqual(resumes.seen[0]!.event);
    expect(resumes.seen[1]!.event.data).toMatchObject({ activation: 2, worker: "executor-gone" });
    const recorded = ofType(await handle.platform.store.readStream(run.streamId), "resume.requested");
    expect(recorded).toHaveLength(1);
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

  it("ends a run whose root's completion was never published", async () => {
    const run = new HandRun(handle.platform.store);
    await run.submit();
    await processorIdle(handle.platform.nats, env.prefix);
    await appendUnpublished(run, (silent) => silent.complete(run.rootId, "done"));
    const events = await run.until((all) => ofType(all, "run.completed").length > 0, 5 * LEASE_MS);
    expect(ofType(events, "run.completed")[0]!.data.result).toBe("done");
  });
});
