import { newId } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { record } from "./given-run.js";
import { historyViolations } from "./history-check.js";
import { randomRunHistory, seededRandom } from "./random-run.js";
import { runEvents } from "./run-events.js";

describe("the history check", () => {
  it("finds nothing wrong with histories the rules produce", () => {
    for (let seed = 1; seed <= 100; seed++) expect(historyViolations(randomRunHistory(seededRandom(seed), 40).events)).toEqual([]);
  });

  it("names a stack run settled twice, a result delivered twice, a second end and work after the end", () => {
    const r = runEvents();
    const child = newId();
    const resume = { type: "resume.requested" as const, data: { stackRunId: r.rootId, activation: 2, results: [{ seq: 0, stackRunId: child, ok: true as const, value: 1 }], worker: "w" } };
    const events = record(r.taskRunId, [
      ...r.submitted(),
      r.call(child, 0),
      r.suspended(1, [0]),
      r.completed(child, 1),
      r.failed(child, { code: "X", message: "again" }),
      resume,
      { ...resume, data: { ...resume.data, activation: 3 } },
      r.resumed(2),
      r.completed(r.rootId, "done"),
      { type: "run.completed", data: { taskRunId: r.taskRunId, result: "done" } },
      { type: "run.cancelled", data: { taskRunId: r.taskRunId, reason: null } },
      r.completed(newId(), 2),
    ]);
    const violations = historyViolations(events);
    expect(violations).toEqual([
      expect.stringContaining(`stack run ${child} settled a second time`),
      expect.stringContaining("resume of"),
      expect.stringContaining("delivered a second time"),
      expect.stringContaining("a second end of the run"),
      expect.stringContaining("recorded after the run's end"),
    ]);
  });

  it("names a gap in the versions and an activation out of turn", () => {
    const r = runEvents();
    const events = record(r.taskRunId, [...r.submitted(), r.suspended(1, []), r.resumed(2)]);
    expect(historyViolations([events[0]!, events[2]!, events[3]!])).toEqual([
      expect.stringContaining("expected version 2"),
      expect.stringContaining("expected version 3"),
      expect.stringContaining("ran without a resume asking for it"),
    ]);
  });
});
