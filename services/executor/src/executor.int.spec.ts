import { createHash } from "node:crypto";
import { newId, type RecordedEvent, runStreamId, taskFunctionStreamId } from "@tasker/contracts";
import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { createIsolatedEnvironment, type IsolatedEnvironment, ofType } from "@tasker/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { executorService, type RunningExecutor } from "./index.js";

let env: IsolatedEnvironment;
const handles: ServicesHandle[] = [];

beforeAll(async () => {
  env = await createIsolatedEnvironment();
});

// Executors of one test must not take the work of the next: they share the prefix.
afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

afterAll(async () => {
  await env?.cleanup();
});

async function startExecutor(cacheSize: number): Promise<{ handle: ServicesHandle; executor: RunningExecutor }> {
  const config = loadConfig({
    DATABASE_URL: env.databaseUrl,
    NATS_URL: env.natsUrl,
    TASKER_SUBJECT_PREFIX: env.prefix,
    TASKER_VM_CACHE_SIZE: String(cacheSize),
  });
  const handle = await startServices(config, [executorService], "executor-test");
  handles.push(handle);
  return { handle, executor: handle.services[0] as RunningExecutor };
}

// A task that logs, calls a wrapped service, and uses the time and randomness the sandbox records.
const GREETER = `
module.exports = async function (input, context) {
  console.log("looking up domains for " + input.customer);
  const started = Date.now();
  const roll = Math.random();
  const domains = await context.tools.gapi.admin.directory.domains.list({ customer: input.customer });
  tools.log("info", "got " + domains.length + " domains");
  let fallback;
  try {
    await context.tools.gapi.admin.directory.users.list({ domain: domains[0] });
  } catch (error) {
    fallback = error.code + ": " + error.message;
    console.warn("users failed: " + fallback);
  }
  return { domains, fallback, started, roll };
};`;

async function publish(handle: ServicesHandle, name: string, code: string): Promise<string> {
  const version = createHash("sha256").update(code).digest("hex");
  await handle.platform.store.append(taskFunctionStreamId(name), "any", [
    { type: "task.published", data: { name, version, code, description: "", params: [] } },
  ]);
  return version;
}

async function submit(handle: ServicesHandle, taskName: string, version: string, input: unknown): Promise<{ streamId: string; root: string }> {
  const taskRunId = newId();
  const root = newId();
  const streamId = runStreamId(taskRunId);
  await handle.platform.store.append(streamId, "no_stream", [
    { type: "run.submitted", data: { taskRunId, taskName, taskVersion: version, input: input as never, idempotencyKey: null } },
    {
      type: "stack.created",
      data: { stackRunId: root, parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: [taskName, input as never], depth: 0, taskVersion: version },
    },
  ]);
  return { streamId, root };
}

async function until(handle: ServicesHandle, streamId: string, found: (events: RecordedEvent[]) => boolean): Promise<RecordedEvent[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const events = await handle.platform.store.readStream(streamId);
    if (found(events)) return events;
    if (Date.now() > deadline) throw new Error(`timed out; the stream holds: ${events.map((event) => event.type).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const suspendedAt = (root: string, activation: number) => (events: RecordedEvent[]) =>
  events.some((event) => event.type === "vm.suspended" && event.data.stackRunId === root && event.data.activation === activation);
const ended = (root: string) => (events: RecordedEvent[]) =>
  events.some((event) => (event.type === "stack.completed" || event.type === "stack.failed") && event.data.stackRunId === root);

/** Plays the gapi service and the stack-processor for one run: answers each call, then asks for the resume. */
async function drive(handle: ServicesHandle, streamId: string, root: string): Promise<RecordedEvent[]> {
  const store = handle.platform.store;
  let events = await until(handle, streamId, suspendedAt(root, 1));
  const child = (seq: number) => ofType(events, "stack.created").find((event) => event.data.parentStackRunId === root && event.data.seq === seq)!;
  const worker = (activation: number) =>
    (events.find((event) => event.type === "vm.suspended" && event.data.activation === activation)!.data as { worker: string }).worker;

  const domains = child(0).data.stackRunId;
  await store.append(streamId, "any", [{ type: "stack.completed", data: { stackRunId: domains, result: ["a.example", "b.example"] } }]);
  await store.append(streamId, { guard: `resume:${root}`, version: 0 }, [
    { type: "resume.requested", data: { stackRunId: root, activation: 2, results: [{ seq: 0, stackRunId: domains, ok: true, value: ["a.example", "b.example"] }], worker: worker(1) } },
  ]);
  events = await until(handle, streamId, suspendedAt(root, 2));
  const users = child(1).data.stackRunId;
  const error = { code: "FORBIDDEN", name: "GaxiosError", message: "not an admin" };
  await store.append(streamId, "any", [{ type: "stack.failed", data: { stackRunId: users, error } }]);
  await store.append(streamId, { guard: `resume:${root}`, version: 1 }, [
    { type: "resume.requested", data: { stackRunId: root, activation: 3, results: [{ seq: 1, stackRunId: users, ok: false, error }], worker: worker(2) } },
  ]);
  return until(handle, streamId, ended(root));
}

function resultOf(events: RecordedEvent[], root: string): unknown {
  return events.find((event) => event.type === "stack.completed" && event.data.stackRunId === root)?.data;
}

function logsOf(events: RecordedEvent[]): unknown[] {
  return events.filter((event) => event.type === "log.appended").map((event) => ({ ...event.data }));
}

describe("executor", () => {
  it("suspends on a call, resumes with its result (and a caught failure), and completes", async () => {
    const { handle, executor } = await startExecutor(100);
    const version = await publish(handle, "greeter", GREETER);
    const { streamId, root } = await submit(handle, "greeter", version, { customer: "my_customer" });
    const events = await drive(handle, streamId, root);

    expect(events.filter((event) => event.type === "stack.failed" && event.data.stackRunId === root)).toEqual([]);
    const completed = resultOf(events, root) as { result: { domains: string[]; fallback: string; started: number; roll: number } };
    expect(completed.result.domains).toEqual(["a.example", "b.example"]);
    expect(completed.result.fallback).toBe("FORBIDDEN: not an admin");
    const firstSuspension = events.find((event) => event.type === "vm.suspended")!.data as { at: number };
    expect(completed.result.started).toBe(firstSuspension.at);
    const calls = events.filter((event) => event.type === "stack.created" && event.data.parentStackRunId === root);
    expect(calls.map((event) => (event.data as { method: string[] }).method.join("."))).toEqual(["admin.directory.domains.list", "admin.directory.users.list"]);
    expect(logsOf(events).map((log) => (log as { message: string }).message)).toEqual([
      "looking up domains for my_customer",
      // Published without `@uses gapi`, enforcement off: warned once, though it calls gapi twice.
      'task "greeter" uses gapi without declaring it: with TASKER_ENFORCE_USES=true this call fails with PERMISSION_DENIED; add the line "@uses gapi" to its JSDoc',
      "got 2 domains",
      "users failed: FORBIDDEN: not an admin",
    ]);
    expect(executor.activator.stats).toMatchObject({ starts: 1, resumesFromCache: 2, replays: 0 });
    // What the executor recorded names the run and the event it acted on.
    const recorded = events.filter((event) => event.type === "vm.suspended" || event.type === "log.appended" || event.type === "run.completed");
    const taskRunId = streamId.slice("run:".length);
    const ids = new Set(events.map((event) => event.metadata.eventId));
    expect(recorded.every((event) => event.metadata.correlationId === taskRunId && ids.has(event.metadata.causationId!))).toBe(true);
    // Each append took every decision due on the run as it stood just before: marked so (`decidedAt`), the stack-processor reads nothing for it.
    expect(recorded.map((event) => event.metadata.decidedAt)).toEqual(recorded.map((event) => event.metadata.streamVersion));
  });

  it("gives the identical result and logs when every resume replays (cache size 0)", async () => {
    const cached = await startExecutor(100);
    const version = await publish(cached.handle, "greeter", GREETER);
    const first = await submit(cached.handle, "greeter", version, { customer: "c1" });
    const withCache = await drive(cached.handle, first.streamId, first.root);
    await cached.handle.close();
    handles.splice(handles.indexOf(cached.handle), 1);

    const replaying = await startExecutor(0);
    const second = await submit(replaying.handle, "greeter", version, { customer: "c1" });
    const withReplay = await drive(replaying.handle, second.streamId, second.root);
    expect(replaying.executor.activator.stats).toMatchObject({ resumesFromCache: 0, replays: 2 });

    // Same code, same input, same recorded times and results: the outcome may differ only in what the
    // recorded time and the per-run seed make differ, which replay must reproduce from the journal.
    const strip = (events: RecordedEvent[], root: string) => {
      const result = resultOf(events, root) as { result: Record<string, unknown> };
      const { started: _started, roll: _roll, ...rest } = result.result;
      return { result: rest, logs: logsOf(events).map((log) => ({ ...(log as object), at: undefined, stackRunId: undefined })) };
    };
    expect(strip(withReplay, second.root)).toEqual(strip(withCache, first.root));
    const replayed = resultOf(withReplay, second.root) as { result: { started: number } };
    expect(replayed.result.started).toBe((withReplay.find((event) => event.type === "vm.suspended")!.data as { at: number }).at);
  });

  it("never lets two instances record the same activation", async () => {
    const one = await startExecutor(100);
    const two = await startExecutor(100);
    const version = await publish(one.handle, "greeter", GREETER);
    const { streamId, root } = await submit(one.handle, "greeter", version, { customer: "race" });
    let events = await until(one.handle, streamId, suspendedAt(root, 1));
    const domains = ofType(events, "stack.created").find((event) => event.data.parentStackRunId === root)!.data.stackRunId;
    await one.handle.platform.store.append(streamId, "any", [{ type: "stack.completed", data: { stackRunId: domains, result: ["x"] } }]);
    const resume = {
      type: "resume.requested",
      data: { stackRunId: root, activation: 2, results: [{ seq: 0, stackRunId: domains, ok: true, value: ["x"] }], worker: "gone" },
      metadata: { ...events.at(-1)!.metadata, streamId, recordedAt: new Date(0).toISOString() },
    } as RecordedEvent<never>;
    // Both instances take the same resume at once, past the grace given to the (gone) holder.
    await Promise.all([one.executor.activator.resume(resume as never, false), two.executor.activator.resume(resume as never, false)]);
    events = await one.handle.platform.store.readStream(streamId);
    expect(events.filter((event) => event.type === "vm.resumed")).toHaveLength(1);
    expect(events.filter((event) => event.type === "vm.suspended" && event.data.activation === 2)).toHaveLength(1);
    // The one that lost either found the activation recorded when it read, or had its append refused.
    expect(one.executor.activator.stats.conflicts + two.executor.activator.stats.conflicts).toBeLessThanOrEqual(1);
  });

  it("routes resumes to the instance holding the VM, and to another one when it is gone", async () => {
    const one = await startExecutor(100);
    const two = await startExecutor(100);
    const version = await publish(one.handle, "greeter", GREETER);
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => submit(one.handle, "greeter", version, { customer: `c${i}` })));
    await Promise.all(runs.map((run) => drive(one.handle, run.streamId, run.root)));
    const both = [one.executor.activator.stats, two.executor.activator.stats];
    expect(both.reduce((sum, stats) => sum + stats.starts, 0)).toBe(6);
    expect(both.reduce((sum, stats) => sum + stats.resumesFromCache, 0)).toBe(12);
    expect(both.reduce((sum, stats) => sum + stats.replays, 0)).toBe(0);

    // The holder goes away after the first activation: the other instance replays and finishes.
    const { streamId, root } = await submit(one.handle, "greeter", version, { customer: "orphan" });
    const suspension = await until(one.handle, streamId, suspendedAt(root, 1));
    const holder = (suspension.find((event) => event.type === "vm.suspended")!.data as { worker: string }).worker;
    const [gone, survivor] = holder === one.handle.platform.instanceId ? [one, two] : [two, one];
    await gone.handle.close();
    handles.splice(handles.indexOf(gone.handle), 1);
    const events = await drive(survivor.handle, streamId, root);
    expect((resultOf(events, root) as { result: { domains: string[] } }).result.domains).toEqual(["a.example", "b.example"]);
    expect(survivor.executor.activator.stats.replays).toBeGreaterThanOrEqual(1);
  });

  it("replays with the helper module versions the run loaded, whatever was published since", async () => {
    const { handle } = await startExecutor(0);
    const v1 = await publish(handle, "lib/greeting", `module.exports = { greet: (name) => "hello " + name };`);
    const version = await publish(
      handle,
      "uses-helper",
      `module.exports = async (input, context) => {
         const lib = require("./lib/greeting");
         const first = lib.greet("a");
         const domains = await context.tools.gapi.admin.directory.domains.list({ customer: first });
         return { first, second: lib.greet("b"), domains };
       };`,
    );
    const { streamId, root } = await submit(handle, "uses-helper", version, {});
    let events = await until(handle, streamId, suspendedAt(root, 1));
    expect((events.find((event) => event.type === "vm.suspended")!.data as { modules?: object }).modules).toEqual({ "lib/greeting": v1 });
    // A new version of the helper: the replay must still run the one the run started with.
    await publish(handle, "lib/greeting", `module.exports = { greet: (name) => "bye " + name };`);
    const call = ofType(events, "stack.created").find((event) => event.data.parentStackRunId === root)!;
    expect(call.data).toMatchObject({ args: [{ customer: "hello a" }] });
    await handle.platform.store.append(streamId, "any", [{ type: "stack.completed", data: { stackRunId: call.data.stackRunId, result: ["x.example"] } }]);
    const worker = (events.find((event) => event.type === "vm.suspended")!.data as { worker: string }).worker;
    await handle.platform.store.append(streamId, { guard: `resume:${root}`, version: 0 }, [
      { type: "resume.requested", data: { stackRunId: root, activation: 2, results: [{ seq: 0, stackRunId: call.data.stackRunId, ok: true, value: ["x.example"] }], worker } },
    ]);
    events = await until(handle, streamId, ended(root));
    expect(resultOf(events, root)).toEqual({ stackRunId: root, result: { first: "hello a", second: "hello b", domains: ["x.example"] }, durationMs: expect.any(Number) });
  });
});
