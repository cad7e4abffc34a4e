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

describe("TASKER_RETENTION_DAYS", () => {
  it("keeps runs forever unless set, and takes a positive number of days", () => {
    expect(loadConfig({}).TASKER_RETENTION_DAYS).toBeUndefined();
    expect(loadConfig({ TASKER_RETENTION_DAYS: "30" }).TASKER_RETENTION_DAYS).toBe(30);
    expect(loadConfig({ TASKER_RETENTION_DAYS: "0.5" }).TASKER_RETENTION_DAYS).toBe(0.5);
  });

  it("refuses zero, a negative number and a word, naming the variable", () => {
    for (const bad of ["0", "-3", "forever"]) expect(() => loadConfig({ TASKER_RETENTION_DAYS: bad })).toThrow(/^invalid configuration: TASKER_RETENTION_DAYS: must be a/);
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
