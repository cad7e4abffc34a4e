import { describe, expect, it } from "vitest";
import { newId, runStreamId, taskFunctionStreamId } from "./ids.js";
import { endedRunOf, patterns, runHistoryFilter, subjectMatches as matches, subjectOf } from "./subjects.js";

const taskRunId = newId();
const metadata = { streamId: runStreamId(taskRunId) } as never;

describe("subjects", () => {
  const created = subjectOf("tasker", {
    type: "stack.created",
    data: { service: "gapi" } as never,
    metadata,
  });
  const completed = subjectOf("tasker", { type: "stack.completed", data: {} as never, metadata });

  it("puts the run id at a fixed position and the service of a call last", () => {
    expect(created).toBe(`tasker.run.${taskRunId}.stack.created.gapi`);
    expect(completed).toBe(`tasker.run.${taskRunId}.stack.completed`);
  });

  it("routes a stack run's outcome or suspension past the stack-processor when its writer decided all it calls for", () => {
    const at = (type: "stack.completed" | "stack.failed" | "vm.suspended" | "run.completed", decidedAt: number | undefined) =>
      subjectOf("tasker", { type, data: {} as never, metadata: { streamId: runStreamId(taskRunId), streamVersion: 7, decidedAt } as never });
    for (const type of ["stack.completed", "stack.failed", "vm.suspended"] as const) {
      expect(at(type, 7)).toBe(`tasker.run.${taskRunId}.${type}.decided`);
      expect(matches(`tasker.${patterns.event(type)}`, at(type, 7))).toBe(false);
      // Another writer appended between the decision and this event (it landed at 7, not 6), or none was taken: the stack-processor decides.
      expect(at(type, 6)).toBe(`tasker.run.${taskRunId}.${type}`);
      expect(at(type, undefined)).toBe(`tasker.run.${taskRunId}.${type}`);
      expect(matches(`tasker.${patterns.event(type)}`, at(type, 6))).toBe(true);
      expect(matches(runHistoryFilter("tasker", taskRunId), at(type, 7))).toBe(true);
    }
    expect(at("run.completed", 7)).toBe(`tasker.run.${taskRunId}.run.completed`);
  });

  it("gives a run's whole history with one filter", () => {
    const filter = runHistoryFilter("tasker", taskRunId);
    expect(matches(filter, created) && matches(filter, completed)).toBe(true);
    expect(matches(filter, `tasker.run.${newId()}.stack.completed`)).toBe(false);
  });

  it("gives a service only its own calls", () => {
    expect(matches(`tasker.${patterns.stackCreated("gapi")}`, created)).toBe(true);
    expect(matches(`tasker.${patterns.stackCreated("tasks")}`, created)).toBe(false);
    expect(matches(`tasker.${patterns.stackCreated("gapi")}`, completed)).toBe(false);
  });

  it("routes a resume to the executor instance that holds the VM", () => {
    const resume = subjectOf("tasker", { type: "resume.requested", data: { worker: "executor-ab12" } as never, metadata });
    expect(resume).toBe(`tasker.run.${taskRunId}.resume.requested.executor-ab12`);
    expect(matches(`tasker.${patterns.resumeRequested("executor-ab12")}`, resume)).toBe(true);
    expect(matches(`tasker.${patterns.resumeRequested("executor-cd34")}`, resume)).toBe(false);
    expect(matches(`tasker.${patterns.resumeRequested("*")}`, resume)).toBe(true);
  });

  it("tells which run a lifecycle subject says ended", () => {
    expect(endedRunOf(`tasker.run.${taskRunId}.run.completed`)).toBe(taskRunId);
    expect(endedRunOf(`tasker.run.${taskRunId}.run.cancelled`)).toBe(taskRunId);
    expect(endedRunOf(`tasker.run.${taskRunId}.run.submitted`)).toBeUndefined();
    expect(endedRunOf(`tasker.run.${taskRunId}.run.cancel-requested`)).toBeUndefined();
    expect(endedRunOf(`tasker.run.${taskRunId}.stack.completed`)).toBeUndefined();
    const ends = (subject: string) => patterns.runEnds.filter((filter) => matches(`tasker.${filter}`, subject)).length;
    expect(ends(`tasker.run.${taskRunId}.run.failed`)).toBe(1);
    expect(ends(`tasker.run.${taskRunId}.run.cancelled`)).toBe(1);
    expect(ends(`tasker.run.${taskRunId}.run.submitted`)).toBe(0);
    expect(ends(`tasker.run.${taskRunId}.run.cancel-requested`)).toBe(0);
  });

  it("files task functions apart from runs", () => {
    const published = subjectOf("tasker", {
      type: "task.published",
      data: {} as never,
      metadata: { streamId: taskFunctionStreamId("shared/gapi-helper") } as never,
    });
    expect(published).toBe("tasker.fn.shared/gapi-helper.task.published");
    expect(matches(`tasker.${patterns.taskPublished}`, published)).toBe(true);
    expect(matches("tasker.run.>", published)).toBe(false);
  });
});
