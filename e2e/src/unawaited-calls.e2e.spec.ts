import type { RecordedEvent, StackCreated } from "@tasker/contracts";
import { type RunView, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** What the events say of each stack run of a run: its call, whether a worker started it, how it settled. */
interface StackRunRecord {
  created: StackCreated["data"];
  started: boolean;
  settled: { type: "stack.completed" | "stack.failed"; code?: string | number }[];
}

function stackRunsOf(events: readonly RecordedEvent[]): Map<string, StackRunRecord> {
  const runs = new Map<string, StackRunRecord>();
  for (const event of events) {
    if (event.type === "stack.created") runs.set(event.data.stackRunId, { created: event.data, started: false, settled: [] });
    else if (event.type === "stack.started") runs.get(event.data.stackRunId)!.started = true;
    else if (event.type === "stack.completed") runs.get(event.data.stackRunId)!.settled.push({ type: event.type });
    else if (event.type === "stack.failed") runs.get(event.data.stackRunId)!.settled.push({ type: event.type, code: event.data.error.code });
  }
  return runs;
}

/** The call `seq` of the stack run `parent` (the root when null). */
function callOf(runs: Map<string, StackRunRecord>, parent: string | null, seq: number): StackRunRecord & { stackRunId: string } {
  const root = [...runs.values()].find((run) => run.created.parentStackRunId === null)!;
  const caller = parent ?? root.created.stackRunId;
  const found = [...runs.entries()].find(([, run]) => run.created.parentStackRunId === caller && run.created.seq === seq);
  if (!found) throw new Error(`no call ${seq} of ${caller}`);
  return { stackRunId: found[0], ...found[1] };
}

const pendingWarning = (seq: number, when: "returned" | "failed") =>
  `tasks.execute (call ${seq}) was still pending when the task ${when}; it is cancelled and its result ignored`;

describe.each([
  ["on", "1000"],
  ["off", "0"],
])("calls made and not awaited, with the VM cache %s", (_, cacheSize) => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ TASKER_VM_CACHE_SIZE: cacheSize, TASKER_MAX_DEPTH: "12" });
    await tasker.publish("chain", `module.exports = async (input, { tools }) => (input.depth > 0 ? tools.tasks.execute("chain", { depth: input.depth - 1 }) : "bottom");`);
    await tasker.publish(
      "child",
      `module.exports = async (input, { tools }) => {
         if (input.chain) await tools.tasks.execute("chain", { depth: input.chain });
         return { child: input.n };
       };`,
    );
    await tasker.publish(
      "fire-and-return",
      `export default async function (input, tools) {
         tools.tasks.execute("child", { n: 1 });
         return "returned";
       }`,
    );
    await tasker.publish(
      "fire-then-await",
      `export default async function (input, tools) {
         tools.tasks.execute("child", { n: 1, chain: input.chain });
         return await tools.tasks.execute("child", { n: 2 });
       }`,
    );
    await tasker.publish("await-fire-and-return", `export default async function (input, tools) { return { got: await tools.tasks.execute("fire-and-return", {}) }; }`);
    await tasker.publish(
      "fire-and-throw",
      `export default async function (input, tools) {
         tools.tasks.execute("child", { n: 4 });
         throw new Error("gave up");
       }`,
    );
  });

  afterAll(async () => {
    await tasker?.stop();
  });

  async function eventsOf(run: RunView) {
    return stackRunsOf(await tasker.events(`run:${run.taskRunId}`));
  }

  it("records a call the task returned without awaiting, cancels it before it ran, and warns of it", async () => {
    const run = await tasker.run("fire-and-return", {});
    expect(run).toMatchObject({ status: "completed", result: "returned" });
    const child = callOf(await eventsOf(run), null, 0);
    expect(child.created).toMatchObject({ service: "tasks", method: ["execute"], args: ["child", { n: 1 }] });
    expect(child.settled).toEqual([{ type: "stack.failed", code: "CANCELLED" }]);
    expect(child.started).toBe(false);
    expect(run.logs).toContainEqual(expect.objectContaining({ level: "warn", message: pendingWarning(0, "returned") }));
  });

  it("leaves no call under way when the task returns while one it did not await runs, however far it got", async () => {
    // The child it does not await calls a chain of 8 nested tasks, one after the other: usually still
    // under way, some level of it running, when the task returns.
    const run = await tasker.run("fire-then-await", { chain: 8 });
    expect(run).toMatchObject({ status: "completed", result: { child: 2 } });
    const runs = await eventsOf(run);
    const slow = callOf(runs, null, 0);
    const cancelled = slow.settled[0]?.code === "CANCELLED";
    expect(slow.settled).toEqual([cancelled ? { type: "stack.failed", code: "CANCELLED" } : { type: "stack.completed" }]);
    expect(run.logs.some((log) => log.message === pendingWarning(0, "returned"))).toBe(cancelled);
    // A cancelled task's own call is cancelled with it, when that cancel is recorded before the run's
    // end (else it stays unsettled, as after a cancel of the run); whatever ran below stops with the
    // run: a while later nothing of the run was recorded after its end (the history check says so too).
    if (cancelled) expect([[], [{ type: "stack.failed", code: "CANCELLED" }]]).toContainEqual(callOf(runs, slow.stackRunId, 0).settled);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await tasker.events(`run:${run.taskRunId}`)).at(-1)?.type).toBe("run.completed");
  });

  it("gives the caller the result of a child that returned with a call pending, and cancels that call", async () => {
    const run = await tasker.run("await-fire-and-return", {});
    expect(run).toMatchObject({ status: "completed", result: { got: "returned" } });
    const runs = await eventsOf(run);
    const child = callOf(runs, null, 0);
    expect(child.settled).toEqual([{ type: "stack.completed" }]);
    const grandchild = callOf(runs, child.stackRunId, 0);
    expect(grandchild.settled).toEqual([{ type: "stack.failed", code: "CANCELLED" }]);
    expect(run.logs).toContainEqual(expect.objectContaining({ level: "warn", stackRunId: child.stackRunId, message: pendingWarning(0, "returned") }));
  });

  it("fails the run with the error of a task that threw with a call pending, and cancels that call", async () => {
    const run = await tasker.run("fire-and-throw", {});
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("gave up");
    const child = callOf(await eventsOf(run), null, 0);
    expect(child.settled).toEqual([{ type: "stack.failed", code: "CANCELLED" }]);
    expect(run.logs).toContainEqual(expect.objectContaining({ level: "warn", message: pendingWarning(0, "failed") }));
  });
});
