import type { TaskerEvent } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { foldRun } from "./evolve.js";

const taskRunId = "0193a8f2-7c1e-7000-8000-000000000001";
const submitted = (namespace?: string): TaskerEvent => ({
  type: "run.submitted",
  data: { taskRunId, taskName: "main", taskVersion: "v", input: null, idempotencyKey: null, ...(namespace ? { namespace } : {}) },
});
const rootCreated = (namespace?: string): TaskerEvent => ({
  type: "stack.created",
  data: { stackRunId: "0193a8f2-7c1e-7000-8000-000000000002", parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["main", null], depth: 0, taskVersion: "v", ...(namespace ? { namespace } : {}) },
});

describe("a run's namespace", () => {
  it("is the one its submission names, or default for a run recorded before namespaces", () => {
    expect(foldRun([submitted("team-a"), rootCreated("team-a")]).namespace).toBe("team-a");
    expect(foldRun([submitted(), rootCreated()]).namespace).toBe("default");
  });

  it("is known from the root's creation alone, as a writer that learns the run from it folds it", () => {
    expect(foldRun([rootCreated("team-b")]).namespace).toBe("team-b");
    expect(foldRun([rootCreated()]).namespace).toBe("default");
  });
});
