import { newId } from "@tasker/contracts";
import { given, record, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { RUN_OPEN } from "./decision.js";
import { decideResume, MAX_RESUME_BATCH_CHARS } from "./decisions/decide-resume.js";
import { evolve } from "./evolve.js";

/** The conditions of the resume of `stackRunId` suspended at `activation`. */
const resumeConditions = (stackRunId: string, activation: number) => [
  { guard: `resume:${stackRunId}`, version: activation - 1 },
  { guard: `stack:${stackRunId}`, version: activation, check: true },
  RUN_OPEN,
];

const [a, b] = [newId(), newId()];

function run() {
  const r = runEvents();
  const start = [...r.submitted(), r.call(a, 0), r.call(b, 1), r.suspended(1, [0, 1])];
  return { ...r, start };
}

describe("decideResume", () => {
  it("resumes a suspended parent with the one child that completed", () => {
    const r = run();
    given(r.taskRunId, [...r.start, r.completed(a, { domains: 2 })])
      .when((state) => decideResume(state, r.rootId))
      .then(
        [
          {
            type: "resume.requested",
            data: { stackRunId: r.rootId, activation: 2, results: [{ seq: 0, stackRunId: a, ok: true, value: { domains: 2 } }], worker: "executor-1" },
          },
        ],
        resumeConditions(r.rootId, 1),
      );
  });

  it("delivers both children, sorted by seq, when both completed before the decision", () => {
    const r = run();
    const { decision } = given(r.taskRunId, [...r.start, r.completed(b, "B"), r.completed(a, "A")]).when((state) => decideResume(state, r.rootId));
    expect(decision?.events[0]).toMatchObject({ data: { activation: 2, results: [{ seq: 0, value: "A" }, { seq: 1, value: "B" }] } });
  });

  it("holds a completion that arrives while the parent runs until its next vm.suspended", () => {
    const r = run();
    const firstResume = given(r.taskRunId, [...r.start, r.completed(a, "A")]).when((state) => decideResume(state, r.rootId)).decision!;
    const afterFirst = [...r.start, r.completed(a, "A"), ...firstResume.events, r.completed(b, "B")];
    given(r.taskRunId, afterFirst).when((state) => decideResume(state, r.rootId)).thenNothing();
    given(r.taskRunId, [...afterFirst, r.resumed(2)]).when((state) => decideResume(state, r.rootId)).thenNothing();
    given(r.taskRunId, [...afterFirst, r.resumed(2), r.suspended(2, [1], r.rootId, "executor-2")])
      .when((state) => decideResume(state, r.rootId))
      .then(
        [
          {
            type: "resume.requested",
            data: { stackRunId: r.rootId, activation: 3, results: [{ seq: 1, stackRunId: b, ok: true, value: "B" }], worker: "executor-2" },
          },
        ],
        resumeConditions(r.rootId, 2),
      );
  });

  it("delivers a failed child as ok: false with its error", () => {
    const r = run();
    const error = { code: "GAPI_FORBIDDEN", message: "no access" };
    const { decision } = given(r.taskRunId, [...r.start, r.failed(b, error)]).when((state) => decideResume(state, r.rootId));
    expect(decision?.events[0]?.data).toMatchObject({ results: [{ seq: 1, stackRunId: b, ok: false, error }] });
  });

  it("resumes a nested task, not the root, when its own call completes", () => {
    const r = runEvents();
    const child = newId();
    const grandchild = newId();
    const history = [
      ...r.submitted(),
      r.call(child, 0, r.rootId, 1, "tasks"),
      r.suspended(1, [0]),
      r.call(grandchild, 0, child, 2),
      r.suspended(1, [0], child, "executor-9"),
      r.completed(grandchild, 7),
    ];
    given(r.taskRunId, history).when((state) => decideResume(state, r.rootId)).thenNothing();
    const { decision } = given(r.taskRunId, history).when((state) => decideResume(state, child));
    expect(decision?.events[0]?.data).toMatchObject({ stackRunId: child, activation: 2, worker: "executor-9" });
  });

  it("decides nothing for a parent that is not suspended, or has nothing new", () => {
    const r = run();
    given(r.taskRunId, r.start).when((state) => decideResume(state, r.rootId)).thenNothing();
    given(r.taskRunId, r.start.slice(0, 4)).when((state) => decideResume(state, r.rootId)).thenNothing();
    given(r.taskRunId, [...r.start, r.completed(a, 1)]).when((state) => decideResume(state, newId())).thenNothing();
  });

  it("is idempotent: the same event folded twice, or a decision repeated, asks for one resume per activation", () => {
    const r = run();
    const [completion] = record(r.taskRunId, [r.completed(a, "A")], 5);
    const twice = given(r.taskRunId, [...r.start, completion!, completion!]).when((state) => decideResume(state, r.rootId));
    expect(twice.decision?.events[0]?.data).toMatchObject({ results: [{ seq: 0 }] });
    const { state } = given(r.taskRunId, [...r.start, completion!, ...twice.decision!.events]);
    const [again] = record(r.taskRunId, [r.completed(a, "A")], 7);
    expect(decideResume(evolve(state, again!), r.rootId)).toBeNull();
    expect(decideResume(evolve(evolve(state, completion!), completion!), r.rootId)).toBeNull();
  });

  it("splits results larger than a batch over several resumes, in seq order, at least one each", () => {
    const r = runEvents();
    const [a, b, c] = [newId(), newId(), newId()];
    const big = "x".repeat(MAX_RESUME_BATCH_CHARS / 2);
    const start = [...r.submitted(), r.call(a, 0), r.call(b, 1), r.call(c, 2), r.suspended(1, [0, 1, 2])];
    const settled = [...start, r.completed(c, big), r.completed(b, big), r.completed(a, "small")];
    const first = given(r.taskRunId, settled).when((state) => decideResume(state, r.rootId)).decision!;
    expect(first.events[0]?.data).toMatchObject({ activation: 2, results: [{ seq: 0 }, { seq: 1 }] });
    const afterFirst = [...settled, ...first.events, r.resumed(2), r.suspended(2, [2])];
    const second = given(r.taskRunId, afterFirst).when((state) => decideResume(state, r.rootId)).decision!;
    expect(second.events[0]?.data).toMatchObject({ activation: 3, results: [{ seq: 2, value: big }] });
    const huge = "y".repeat(MAX_RESUME_BATCH_CHARS * 2);
    const alone = given(r.taskRunId, [...start, r.completed(a, huge), r.completed(b, 1)]).when((state) => decideResume(state, r.rootId)).decision!;
    expect(alone.events[0]?.data).toMatchObject({ results: [{ seq: 0, value: huge }] });
  });
});
