import type { TaskRunView } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { describeRun, seconds } from "./format.js";
import { table } from "./table.js";

const run = (patch: Partial<TaskRunView>): TaskRunView => ({
  taskRunId: "0193a0b0-0000-7000-8000-000000000001",
  taskName: "nested-calls-test",
  status: "processing",
  input: {},
  logs: [],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...patch,
});

describe("the status line", () => {
  it("names the calls a suspended run waits on", () => {
    const call = (seq: number) => ({ stackRunId: "0193a0b0-0000-7000-8000-00000000000a", seq, service: "tasks", method: ["execute"] });
    expect(describeRun(run({ status: "processing" }))).toBe("PROCESSING");
    expect(describeRun(run({ status: "suspended", waitingOn: [call(0)] }))).toBe("SUSPENDED — waiting on tasks.execute (seq 0)");
    expect(describeRun(run({ status: "suspended", waitingOn: [0, 1, 2, 3, 4].map(call) }))).toBe(
      "SUSPENDED — waiting on tasks.execute (seq 0), tasks.execute (seq 1), tasks.execute (seq 2) and 2 more",
    );
    expect(seconds(3210)).toBe("3.2s");
  });
});

describe("table", () => {
  it("pads every column but the last", () => {
    expect(table(["NAME", "VERSION"], [["a", "123"], ["long-name", "4"]])).toBe("NAME       VERSION\na          123\nlong-name  4\n");
  });
});
