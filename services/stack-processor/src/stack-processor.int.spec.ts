import { newId, type RecordedEvent, type RunCancelled } from "@tasker/contracts";
import { ConcurrencyError } from "@tasker/event-store";
import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { createIsolatedEnvironment, HandRun, type IsolatedEnvironment, ofType, processorIdle } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunOrchestrator, stackProcessorService } from "./index.js";

let env: IsolatedEnvironment;
const handles: ServicesHandle[] = [];

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  handles.push(await startProcessor());
});

afterAll(async () => {
  await Promise.all(handles.map((handle) => handle.close()));
  await env?.cleanup();
});

function startProcessor(): Promise<ServicesHandle> {
  const config = loadConfig({ DATABASE_URL: env.databaseUrl, NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix });
  return startServices(config, [stackProcessorService], "test");
}

const resumes = (events: RecordedEvent[]) => ofType(events, "resume.requested");
const delivered = (events: RecordedEvent[]) => resumes(events).flatMap((resume) => resume.data.results.map((result) => result.seq));

/**
 * Completes both children of a root suspended on them, and plays the executor until both results
 * were delivered: after a resume that brought only one, the root suspends again, waiting on the other.
 */
async function deliverBoth(run: HandRun): Promise<RecordedEvent[]> {
  await run.submit();
  const [a, b] = await run.suspend(1, 2, [0, 1], "executor-a1");
  await Promise.all([run.complete(a!, { domain: "a.example" }), run.complete(b!, { domain: "b.example" })]);
  const first = await run.until((events) => resumes(events).length > 0);
  if (delivered(first).length === 1) {
    await run.suspend(2, 0, [delivered(first)[0] === 0 ? 1 : 0], "executor-b2");
    return run.until((events) => delivered(events).length === 2);
  }
  return first;
}

describe("stack-processor", () => {
  it("resumes a suspended root with its children's results, in one batch or one by one", async () => {
    const run = new HandRun(handles[0]!.platform.store);
    const events = await deliverBoth(run);
    const [first, second] = resumes(events);
    expect(first!.data).toMatchObject({ stackRunId: run.rootId, activation: 2, worker: "executor-a1" });
    expect(first!.metadata.causationId).not.toBeNull();
    if (second) expect(second.data).toMatchObject({ activation: 3, worker: "executor-b2", results: [{ ok: true }] });
    expect(resumes(events).flatMap((resume) => resume.data.results)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ seq: 0, ok: true, value: { domain: "a.example" } }),
        expect.objectContaining({ seq: 1, ok: true, value: { domain: "b.example" } }),
      ]),
    );
  });

  it("decides on a completion its writer marked decided on a run another writer moved since, and trusts a mark that holds", async () => {
    const { platform } = handles[0]!;
    const run = new HandRun(platform.store);
    await run.submit();
    const [a, b] = await run.suspend(1, 2, [0, 1]);
    // Marked by a writer that decided on version 4, before the root's suspension (version 5): on what
    // it saw, no resume was due. The event lands at 6, not 5: the stack-processor reads and resumes.
    const [stale] = await run.complete(a!, "a", 0, { decidedAt: 5 });
    expect(stale!.metadata).toMatchObject({ streamVersion: 6, decidedAt: 5 });
    const [resume] = resumes(await run.until((events) => resumes(events).length > 0));
    expect(resume!.data.results).toEqual([expect.objectContaining({ seq: 0, value: "a" })]);
    await run.suspend(2, 0, [1]);
    // A mark that holds says its writer took every decision due (this one left the resume out): an
    // orchestrator reads nothing and decides nothing for it. A reconcile (the watchdog's) still resumes, once.
    const [held] = await run.complete(b!, "b", 0, { decidedAt: (await platform.store.readStream(run.streamId)).length + 1 });
    expect(held!.metadata.decidedAt).toBe(held!.metadata.streamVersion);
    const orchestrator = new RunOrchestrator(platform.store, env.prefix);
    expect(await orchestrator.onEvent(held!)).toEqual([]);
    await orchestrator.reconcile(run.taskRunId);
    const events = await run.until((all) => resumes(all).length === 2);
    expect(resumes(events).map((resume) => resume.data.results.map((result) => result.seq))).toEqual([[0], [1]]);
  });

  it("delivers a failed child as an error result", async () => {
    const run = new HandRun(handles[0]!.platform.store);
    await run.submit();
    const [a] = await run.suspend(1, 1, [0]);
    await run.fail(a!, { code: "GAPI_FORBIDDEN", message: "no access" });
    const [resume] = resumes(await run.until((events) => resumes(events).length > 0));
    expect(resume!.data.results).toEqual([{ seq: 0, stackRunId: a, ok: false, error: { code: "GAPI_FORBIDDEN", message: "no access" } }]);
  });

  it("completes the run with the root's result and removes its stack runs", async () => {
    const { platform } = handles[0]!;
    const run = new HandRun(platform.store);
    const events = await deliverBoth(run);
    await run.finish(resumes(events).length + 1, { count: 2 });
    const [completed] = ofType(await run.until((all) => ofType(all, "run.completed").length > 0), "run.completed");
    // Decided on the whole run, which logged nothing: the end says so (run-model's `loggedNothing`).
    expect(completed!.data).toEqual({ taskRunId: run.taskRunId, result: { count: 2 }, silentThrough: completed!.metadata.streamVersion - 1 });
    const rows = await platform.dataSource.query("SELECT count(*)::int AS n FROM stack_runs WHERE task_run_id = $1", [run.taskRunId]);
    expect(rows[0].n).toBe(0);
    const [taskRun] = await platform.dataSource.query(
      "SELECT t.status, e.data->'result' AS result FROM task_runs t JOIN events e ON e.position = t.ended_position WHERE t.task_run_id = $1",
      [run.taskRunId],
    );
    expect(taskRun).toEqual({ status: "completed", result: { count: 2 } });
  });

  it("fails the run with the root's error", async () => {
    const run = new HandRun(handles[0]!.platform.store);
    await run.submit();
    await run.fail(run.rootId, { code: "TASK_THREW", message: "boom" }, 0);
    const [failed] = ofType(await run.until((all) => ofType(all, "run.failed").length > 0), "run.failed");
    expect(failed!.data.error).toEqual({ code: "TASK_THREW", message: "boom" });
  });

  it("cancels a run with one event, once, and nothing of the run is recorded after it", async () => {
    const run = new HandRun(handles[0]!.platform.store);
    await run.submit();
    const [a, b] = await run.suspend(1, 2, [0, 1]);
    await run.complete(a!, "done");
    await run.until((events) => resumes(events).length > 0);
    await Promise.all([run.cancel("user asked"), run.cancel("asked twice")]);
    const events = await run.until((all) => ofType(all, "run.cancelled").length > 0);
    const cancelled = events.at(-1) as RecordedEvent<RunCancelled>;
    // Its silentThrough, an optimisation for readers, may be absent (then they read the run), never past what came before it.
    const { silentThrough, ...data } = cancelled.data;
    expect(data).toEqual({ taskRunId: run.taskRunId, reason: expect.stringMatching(/user asked|asked twice/) });
    expect(silentThrough ?? 0).toBeLessThan(cancelled.metadata.streamVersion);
    // Whichever request is decided second finds the run ended; a child settling late, or the
    // activation that was under way, is refused.
    await expect(run.complete(b!, "too late")).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(run.finish(2, "too late")).rejects.toBeInstanceOf(ConcurrencyError);
    await processorIdle(handles[0]!.platform.nats, env.prefix);
    const later = await handles[0]!.platform.store.readStream(run.streamId);
    expect(later.slice(events.length)).toEqual([]);
    expect(ofType(later, "run.cancelled")).toHaveLength(1);
  });

  it("cancels a run of 2,000 waiting calls as cheaply as one of a single call", async () => {
    const run = new HandRun(handles[0]!.platform.store);
    await run.submit();
    await run.suspend(1, 2000, Array.from({ length: 2000 }, (_, seq) => seq));
    await run.cancel("too big");
    const events = await run.until((all) => ofType(all, "run.cancelled").length > 0);
    expect(events.at(-1)!.type).toBe("run.cancelled");
    const [taskRun] = await handles[0]!.platform.dataSource.query("SELECT status FROM task_runs WHERE task_run_id = $1", [run.taskRunId]);
    expect(taskRun.status).toBe("cancelled");
  });

  it("reports a run this event store does not know, without deciding anything (another deployment sharing the prefix)", async () => {
    const { store } = handles[0]!.platform;
    const stranger = new HandRun(store);
    const event = { type: "vm.suspended", data: { stackRunId: stranger.rootId, activation: 1, at: 1, waitingOn: [], worker: "w" }, metadata: { eventId: newId(), streamId: stranger.streamId, streamVersion: 3, position: 1, recordedAt: new Date().toISOString(), traceparent: null, causationId: null, correlationId: null } } as RecordedEvent;
    await expect(new RunOrchestrator(store, env.prefix).onEvent(event)).rejects.toMatchObject({ code: "UNKNOWN_RUN", kind: "terminal", message: expect.stringContaining(env.prefix) });
    expect(await store.readStream(stranger.streamId)).toEqual([]);
  });

  it("decides once when one event is handled many times at once (redelivery, several instances)", async () => {
    const { store } = handles[0]!.platform;
    const run = new HandRun(store);
    await run.submit();
    const [a] = await run.suspend(1, 2, [0, 1]);
    await run.complete(a!, "A");
    const completion = (await store.readStream(run.streamId)).at(-1)!;
    const orchestrators = Array.from({ length: 8 }, () => new RunOrchestrator(store, env.prefix));
    const taken = await Promise.all(orchestrators.map((orchestrator) => orchestrator.onEvent(completion)));
    await processorIdle(handles[0]!.platform.nats, env.prefix);
    const events = await store.readStream(run.streamId);
    expect(resumes(events)).toHaveLength(1);
    expect(resumes(events)[0]!.data).toMatchObject({ activation: 2, results: [{ seq: 0, value: "A" }] });
    expect(taken.flat().length).toBeLessThanOrEqual(1);
  });

  it("two instances at once ask for one resume per activation and deliver each result once", async () => {
    handles.push(await startProcessor());
    const runs = Array.from({ length: 12 }, () => new HandRun(handles[0]!.platform.store));
    await Promise.all(runs.map(deliverBoth));
    await processorIdle(handles[0]!.platform.nats, env.prefix);
    for (const run of runs) {
      const events = await handles[0]!.platform.store.readStream(run.streamId);
      const activations = resumes(events).map((resume) => resume.data.activation);
      expect(activations).toEqual(activations.length === 1 ? [2] : [2, 3]);
      expect(delivered(events).sort()).toEqual([0, 1]);
    }
  });
});
