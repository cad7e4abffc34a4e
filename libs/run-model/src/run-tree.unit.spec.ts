import { newId, type RecordedEvent, type TaskerEvent } from "@tasker/contracts";
import { record, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { runTree } from "./run-tree.js";

const T0 = Date.parse("2026-12-01T10:00:00.000Z");
const iso = (ms: number) => new Date(T0 + ms).toISOString();

/** `events` recorded in order, the k-th `times[k]` ms after T0. */
function recordedAt(taskRunId: string, events: readonly TaskerEvent[], times: readonly number[]): RecordedEvent[] {
  return record(taskRunId, events).map((event, index) => ({ ...event, metadata: { ...event.metadata, recordedAt: iso(times[index]!) } }));
}

describe("runTree", () => {
  it("folds a nested run into its tree: each call under its caller by seq, with statuses, times, activations and attempts", () => {
    const r = runEvents();
    const child = newId();
    const sleep = newId();
    const gapi = newId();
    const events: TaskerEvent[] = [
      ...r.submitted(),
      { type: "stack.started", data: { stackRunId: r.rootId, worker: "w1", leaseUntil: iso(60_000), attempt: 1 } },
      { type: "stack.created", data: { stackRunId: child, parentStackRunId: r.rootId, seq: 0, service: "tasks", method: ["execute"], args: ["child", { n: 1 }], depth: 1, taskVersion: "v2" } },
      r.call(gapi, 1),
      { type: "vm.suspended", data: { stackRunId: r.rootId, activation: 1, at: T0 + 10, waitingOn: [0, 1], worker: "w1", durationMs: 4 } },
      { type: "stack.started", data: { stackRunId: child, worker: "w1", leaseUntil: iso(60_000), attempt: 1 } },
      { type: "stack.created", data: { stackRunId: sleep, parentStackRunId: child, seq: 0, service: "sleep", method: ["sleep"], args: [50], depth: 2, taskVersion: null } },
      { type: "vm.suspended", data: { stackRunId: child, activation: 1, at: T0 + 30, waitingOn: [0], worker: "w1", durationMs: 2 } },
      { type: "stack.started", data: { stackRunId: gapi, worker: "g", leaseUntil: iso(60_000), attempt: 1 } },
      { type: "stack.retrying", data: { stackRunId: gapi, attempt: 1, error: { code: "HTTP_503", message: "busy" }, retryAt: iso(70) } },
      { type: "stack.started", data: { stackRunId: gapi, worker: "g", leaseUntil: iso(60_000), attempt: 2 } },
      r.failed(gapi, { code: "HTTP_404", name: "NotFound", message: "no such domain" }),
      r.completed(sleep, null),
      { type: "vm.resumed", data: { stackRunId: child, activation: 2, at: T0 + 200, kind: "cache" } },
      { type: "stack.completed", data: { stackRunId: child, result: "done", durationMs: 3 } },
      { type: "vm.resumed", data: { stackRunId: r.rootId, activation: 2, at: T0 + 300, kind: "replay" } },
      { type: "stack.completed", data: { stackRunId: r.rootId, result: "all done", durationMs: 25 } },
      { type: "run.completed", data: { taskRunId: r.taskRunId, result: "all done" } },
    ];
    const times = [0, 1, 5, 12, 12, 12, 20, 20, 33, 40, 41, 100, 101, 150, 190, 205, 305, 330, 330];
    const tree = runTree(recordedAt(r.taskRunId, events, times))!;

    expect(tree).toMatchObject({
      stackRunId: r.rootId,
      parentStackRunId: null,
      seq: null,
      service: "tasks",
      method: ["execute"],
      taskName: "t",
      status: "completed",
      createdAt: iso(1),
      startedAt: iso(5),
      endedAt: iso(330),
      attempts: 1,
      activations: [
        { n: 1, at: iso(10), kind: "start", durationMs: 4 },
        { n: 2, at: iso(300), kind: "replay", durationMs: 25 },
      ],
    });
    expect(tree.children.map((node) => [node.seq, node.service, node.status])).toEqual([
      [0, "tasks", "completed"],
      [1, "gapi", "failed"],
    ]);
    const [nested, failed] = tree.children;
    expect(nested).toMatchObject({ taskName: "child", parentStackRunId: r.rootId, activations: [{ n: 1, kind: "start", durationMs: 2 }, { n: 2, at: iso(200), kind: "cache", durationMs: 3 }] });
    expect(nested!.children).toEqual([
      { stackRunId: sleep, parentStackRunId: child, seq: 0, service: "sleep", method: ["sleep"], status: "completed", createdAt: iso(20), endedAt: iso(150), activations: [], attempts: 0, children: [] },
    ]);
    expect(failed).toMatchObject({ attempts: 2, activations: [], error: { code: "HTTP_404", name: "NotFound", message: "no such domain" } });
    expect(failed!.taskName).toBeUndefined();
  });

  it("places an activation that ended its stack run at once by its measured duration", () => {
    const r = runEvents();
    const events: TaskerEvent[] = [...r.submitted(), { type: "stack.started", data: { stackRunId: r.rootId, worker: "w", leaseUntil: iso(9000), attempt: 1 } }, { type: "stack.completed", data: { stackRunId: r.rootId, result: 1, durationMs: 7 } }];
    expect(runTree(recordedAt(r.taskRunId, events, [0, 0, 50, 80]))!.activations).toEqual([{ n: 1, at: iso(73), kind: "start", durationMs: 7 }]);
  });

  it("reads events recorded before activations said their kind and duration: a resume is a cache's, a duration runs to the recording", () => {
    const r = runEvents();
    const call = newId();
    const events = [...r.submitted(), r.call(call, 0), r.suspended(1, [0]), r.completed(call, 1), r.resumed(2), r.completed(r.rootId, 2)];
    const tree = runTree(recordedAt(r.taskRunId, events, [T0 * -1 + 0, -T0 + 0, -T0 + 500, -T0 + 1500, -T0 + 2000, -T0 + 2000, -T0 + 2600]))!;
    expect(tree.activations).toEqual([
      { n: 1, at: new Date(1000).toISOString(), kind: "start", durationMs: 500 },
      { n: 2, at: new Date(2000).toISOString(), kind: "cache", durationMs: 600 },
    ]);
  });

  it("ends what had not settled as cancelled when the run is cancelled, leaving out the activation it cut short", () => {
    const r = runEvents();
    const waiting = newId();
    const events: TaskerEvent[] = [
      ...r.submitted(),
      r.call(waiting, 0),
      r.suspended(1, [0]),
      { type: "vm.resumed", data: { stackRunId: r.rootId, activation: 2, at: T0, kind: "cache" } },
      { type: "stack.failed", data: { stackRunId: waiting, error: { code: "CANCELLED", message: "cancelled" } } },
      { type: "run.cancelled", data: { taskRunId: r.taskRunId, reason: "stop" } },
    ];
    const tree = runTree(recordedAt(r.taskRunId, events, [0, 0, 1, 2, 3, 4, 5]))!;
    expect(tree).toMatchObject({ status: "cancelled", endedAt: iso(5) });
    expect(tree.activations.map((activation) => activation.n)).toEqual([1]);
    expect(tree.children[0]).toMatchObject({ status: "cancelled", endedAt: iso(4), error: { code: "CANCELLED" } });
  });

  it("has no tree before the root is recorded", () => {
    const r = runEvents();
    expect(runTree(record(r.taskRunId, r.submitted().slice(0, 1)))).toBeUndefined();
  });

  it("folds a run of 20,000 stack runs in linear time", () => {
    const r = runEvents();
    const calls = Array.from({ length: 20_000 }, (_, seq) => r.call(newId(), seq));
    const events = record(r.taskRunId, [...r.submitted(), ...calls, r.suspended(1, []), ...calls.map((call) => r.completed((call.data as { stackRunId: string }).stackRunId, seq(call)))]);
    const started = performance.now();
    const tree = runTree(events)!;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(tree.children).toHaveLength(20_000);
    expect(tree.children.every((node, index) => node.seq === index && node.status === "completed")).toBe(true);
  });
});

function seq(call: TaskerEvent): number {
  return (call.data as { seq: number }).seq;
}
