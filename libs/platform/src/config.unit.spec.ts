import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

describe("TASKER_ENFORCE_USES", () => {
  it("is off unless set to true", () => {
    expect(loadConfig({}).TASKER_ENFORCE_USES).toBe(false);
    expect(loadConfig({ TASKER_ENFORCE_USES: "false" }).TASKER_ENFORCE_USES).toBe(false);
    expect(loadConfig({ TASKER_ENFORCE_USES: "true" }).TASKER_ENFORCE_USES).toBe(true);
  });

  it("refuses anything but true or false, naming the variable", () => {
    expect(() => loadConfig({ TASKER_ENFORCE_USES: "yes" })).toThrow("invalid configuration: TASKER_ENFORCE_USES: must be true or false");
  });
});

describe("TASKER_LOG_FORMAT", () => {
  it("is text unless set to json", () => {
    expect(loadConfig({}).TASKER_LOG_FORMAT).toBe("text");
    expect(loadConfig({ TASKER_LOG_FORMAT: "json" }).TASKER_LOG_FORMAT).toBe("json");
  });

  it("refuses anything but text or json, naming the variable", () => {
    expect(() => loadConfig({ TASKER_LOG_FORMAT: "yaml" })).toThrow("invalid configuration: TASKER_LOG_FORMAT: must be text or json");
  });
});
