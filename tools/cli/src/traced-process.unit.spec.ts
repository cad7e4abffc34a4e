import { describe, expect, it } from "vitest";
import { tracedProcessName } from "./traced-process.js";

describe("tracedProcessName", () => {
  it("names the processes that run services, and only those", () => {
    expect(tracedProcessName(["start", "executor"])).toBe("executor");
    expect(tracedProcessName(["start", "gateway", "timers"])).toBe("gateway-timers");
    expect(tracedProcessName(["dev", "--dir", "tasks"])).toBe("dev");
    expect(tracedProcessName(["run", "--task", "echo"])).toBeUndefined();
    expect(tracedProcessName(["start"])).toBeUndefined();
    expect(tracedProcessName([])).toBeUndefined();
  });
});
