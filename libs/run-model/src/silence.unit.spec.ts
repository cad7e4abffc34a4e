import { newId, type RecordedEvent, type TaskerEvent } from "@tasker/contracts";
import { record, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { decideCancel } from "./decisions/decide-cancel.js";
import { decideRunEnd } from "./decisions/decide-run-end.js";
import { foldRun } from "./evolve.js";
import { followUps } from "./follow-ups.js";
import { RunStates } from "./run-states.js";
import { loggedNothing } from "./silence.js";

type End = Parameters<typeof loggedNothing>[0];

const log = (stackRunId: string): TaskerEvent => ({ type: "log.appended", data: { stackRunId, level: "info", message: "hello", at: new Date(0).toISOString() } });

/** The end `decide` takes on the fold of `seen`, recorded in a stream that holds `history` (of which `seen` is a prefix) before it. */
function endRecorded(taskRunId: string, history: readonly TaskerEvent[], seen: number, decide = decideRunEnd): End {
  const recorded = record(taskRunId, history);
  const decision = decide(foldRun(recorded.slice(0, seen)));
  return record(taskRunId, decision!.events, history.length + 1)[0] as End;
}

describe("loggedNothing", () => {
  it("holds for an end decided on the whole of a run that logged nothing, completed, failed or cancelled", () => {
    const r = runEvents();
    const completed = [...r.submitted(), r.completed(r.rootId, 1)];
    expect(loggedNothing(endRecorded(r.taskRunId, completed, completed.length))).toBe(true);
    const failed = [...r.submitted(), r.failed(r.rootId, { code: "E", message: "no" })];
    expect(loggedNothing(endRecorded(r.taskRunId, failed, failed.length))).toBe(true);
    const running = r.submitted();
    expect(loggedNothing(endRecorded(r.taskRunId, running, running.length, (state) => decideCancel(state, null)))).toBe(true);
  });

  it("fails for a run that logged: its end carries no silentThrough", () => {
    const r = runEvents();
    const history = [...r.submitted(), log(r.rootId), r.completed(r.rootId, 1)];
    const end = endRecorded(r.taskRunId, history, history.length);
    expect(end.data.silentThrough).toBeUndefined();
    expect(loggedNothing(end)).toBe(false);
  });

  it("fails for an end decided on a state that had not seen every event before it: a log line may hide there", () => {
    const r = runEvents();
    const child = newId();
    // The root completed while its child, not awaited, logged: the end was decided without the child's line.
    const history = [...r.submitted(), r.call(child, 0), r.completed(r.rootId, 1), log(child)];
    const end = endRecorded(r.taskRunId, history, 4);
    expect(end.data.silentThrough).toBe(4);
    expect(loggedNothing(end)).toBe(false);
  });

  it("counts the events decided with it: an executor's activation and the run's end in one append", () => {
    const r = runEvents();
    const recorded = record(r.taskRunId, r.submitted());
    const activation: TaskerEvent[] = [r.completed(r.rootId, "done")];
    const [end] = followUps(foldRun(recorded), activation, 0);
    const appended = record(r.taskRunId, [...activation, ...end!.events], recorded.length + 1);
    expect(loggedNothing(appended.at(-1) as End)).toBe(true);
    // Another writer's event came in between: the append landed one version later than decided.
    const late = record(r.taskRunId, [...activation, ...end!.events], recorded.length + 2);
    expect(loggedNothing(late.at(-1) as End)).toBe(false);
    const withLog = followUps(foldRun(recorded), [log(r.rootId), ...activation], 0);
    expect(withLog[0]!.events[0]!.data).not.toHaveProperty("silentThrough");
  });

  it("knows nothing after a gap in what it folded, and nothing new from an event folded again", () => {
    const r = runEvents();
    const recorded = record(r.taskRunId, [...r.submitted(), r.completed(r.rootId, 1)]);
    expect(foldRun([recorded[0]!, recorded[2]!]).silentThrough).toBeNull();
    expect(foldRun([...recorded, recorded[1]!]).silentThrough).toBe(3);
  });

  it("is known from a run learnt from its root's creation alone: its submission logs nothing", async () => {
    const r = runEvents();
    const recorded = record(r.taskRunId, r.submitted());
    const runs = new RunStates({ readStream: async (): Promise<RecordedEvent[]> => [] });
    runs.absorbSubmission(recorded[1]!);
    expect(runs.known(recorded[1]!.metadata.streamId)?.silentThrough).toBe(2);
  });
});
