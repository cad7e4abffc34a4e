import { describe, expect, it } from "vitest";
import { EXIT_USAGE } from "./cli-error.js";
import { memoryIo } from "./memory-io.js";
import { parseInput } from "./parse-input.js";
import { runCli } from "./run-cli.js";

// Nothing listens on port 9 (discard): a command that reached the network would fail with exit 1.
const env = { TASKER_URL: "http://127.0.0.1:9" };

describe("--input", () => {
  it("is parsed as JSON, {} when left out", () => {
    expect(parseInput('{"depth":3}')).toEqual({ depth: 3 });
    expect(parseInput("[1,2]")).toEqual([1, 2]);
    expect(parseInput("null")).toBeNull();
    expect(parseInput(undefined)).toEqual({});
  });

  it("that is not JSON is a usage error naming --input, before any request", async () => {
    const io = memoryIo(env);
    const code = await runCli(["run", "--task", "nested-calls-test", "--input", "{depth:3}"], io);
    expect(code).toBe(EXIT_USAGE);
    expect(io.stderr).toMatch(/^tasker: --input must be JSON/);
    expect(io.stdout).toBe("");
  });
});

describe("usage errors", () => {
  it("run without --task exits 2 with commander's message", async () => {
    const io = memoryIo(env);
    expect(await runCli(["run"], io)).toBe(EXIT_USAGE);
    expect(io.stderr).toContain("--task");
  });

  it("publish needs exactly one of --all, --specific, --list", async () => {
    const io = memoryIo(env);
    expect(await runCli(["publish", "--all", "--list"], io)).toBe(EXIT_USAGE);
    expect(io.stderr).toContain("exactly one of --all, --specific NAME, --list");
  });

  it("publish --specific of an unknown file names the known ones", async () => {
    const io = memoryIo(env);
    expect(await runCli(["publish", "--specific", "no-such-task"], io)).toBe(EXIT_USAGE);
    expect(io.stderr).toMatch(/no task file named no-such-task .*nested-calls-test/);
  });

  it("events --all --since a day the calendar does not have is a usage error, not another day", async () => {
    for (const since of ["2026-02-30", "2026-02-29T10:00:00Z", "2026-04-31T00:00:00Z"]) {
      const io = memoryIo(env);
      expect(await runCli(["events", "--all", "--since", since], io), since).toBe(EXIT_USAGE);
      expect(io.stderr).toBe(`tasker: --since: "${since}" is not an ISO-8601 time\n`);
    }
  });

  it("start of an unknown service lists the known ones", async () => {
    const io = memoryIo(env);
    expect(await runCli(["start", "gateway", "scheduler"], io)).toBe(EXIT_USAGE);
    expect(io.stderr).toBe('tasker: unknown service "scheduler"; the services are: stack-processor, executor, gateway, keystore, gapi-proxy, openai-proxy, websearch-proxy, database-proxy, timers\n');
  });
});

describe("without a gateway", () => {
  it("says where it looked and how to start one", async () => {
    const io = memoryIo(env);
    expect(await runCli(["list"], io)).toBe(1);
    expect(io.stderr).toBe("tasker: cannot reach the gateway at http://127.0.0.1:9 (start it with npm start)\n");
  });
});

describe("publish --list", () => {
  it("lists the example tasks with their descriptions, offline", async () => {
    const io = memoryIo(env);
    expect(await runCli(["publish", "--list"], io)).toBe(0);
    expect(io.stdout).toMatch(/^NAME +DESCRIPTION\n/);
    expect(io.stdout).toMatch(/\nnested-calls-test +Calls itself with depth-1/);
    expect(io.stdout).toMatch(/\nshared\/gapi-helper +Helper module/);
  });
});
