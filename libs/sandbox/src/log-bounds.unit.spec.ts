import { describe, expect, it } from "vitest";
import { echo, resultOf, runLive, source, useSandbox } from "@tasker/testing";
import type { LogLine } from "./types.js";

const KiB = 1024;
const sandbox = useSandbox({ logLinesPerActivation: 10, logBytesPerActivation: 4 * KiB, logLinesPerRun: 25, logBytesPerRun: 10 * KiB });
const BOUNDS = "at most 10 lines and 4 KiB per activation, 25 lines and 10 KiB per run";

const texts = (lines: LogLine[]) => lines.map((line) => `${line.level} ${line.message}`);

describe("log bounds", () => {
  it("drops the lines past an activation's bytes, and every later line of that activation", async () => {
    const code = source(`export default async function (input, tools) {
      for (let i = 0; i < 5; i++) console.log(i + "x".repeat(999));
      console.log("short, but after the bound");
      await tools.sleep(1);
      console.log("next activation");
      return "done";
    }`);
    const run = await runLive(sandbox.current, code);
    expect(resultOf(run.outcome)).toBe("done");
    expect(texts(run.logs)).toEqual([
      ...Array.from({ length: 4 }, (_, i) => `info ${i}${"x".repeat(999)}`),
      `warn LOG_LIMIT: 2 more log lines of this activation were dropped; ${BOUNDS}`,
      "info next activation",
    ]);
  });

  it("bounds a stack run's lines across its activations, one warn line per activation that dropped some", async () => {
    const code = source(`export default async function (input, tools) {
      for (let step = 0; step < 4; step++) {
        for (let i = 0; i < 8; i++) console.log("step " + step + " line " + i);
        await tools.sleep(1);
      }
      return "done";
    }`);
    const run = await runLive(sandbox.current, code);
    expect(resultOf(run.outcome)).toBe("done");
    const kept = run.logs.filter((line) => line.level === "info");
    expect(kept).toHaveLength(25);
    expect(kept.at(-1)!.message).toBe("step 3 line 0");
    expect(texts(run.logs.filter((line) => line.level === "warn"))).toEqual([`warn LOG_LIMIT: 7 more log lines of this activation were dropped; ${BOUNDS}`]);
  });

  it("bounds a stack run's bytes across its activations", async () => {
    const code = source(`export default async function (input, tools) {
      for (let step = 0; step < 4; step++) {
        for (let i = 0; i < 3; i++) console.log("y".repeat(1000));
        await tools.sleep(1);
      }
      console.log("last");
      return "done";
    }`);
    const run = await runLive(sandbox.current, code);
    const kept = run.logs.filter((line) => line.level === "info");
    // Ten lines of 1,000 bytes fit in the run's 10 KiB; a short line still fits after them.
    expect(kept.map((line) => line.message.length)).toEqual([...Array.from({ length: 10 }, () => 1000), 4]);
    expect(texts(run.logs.filter((line) => line.level === "warn"))).toEqual([`warn LOG_LIMIT: 2 more log lines of this activation were dropped; ${BOUNDS}`]);
  });

  it("counts again, without emitting, the lines a replay re-executes: a rebuilt VM keeps the run's bound", async () => {
    const code = source(`export default async function (input, tools) {
      for (let step = 0; step < 3; step++) {
        for (let i = 0; i < 9; i++) console.log("step " + step + " line " + i);
        await tools.sleep(1);
      }
      for (let i = 0; i < 9; i++) console.log("live " + i);
      return "done";
    }`);
    const live = await runLive(sandbox.current, code);
    const liveLast = live.logs.filter((line) => line.at === live.journal.at(-1)!.at);

    const replayedLines: LogLine[] = [];
    const rebuilt = await sandbox.current.replay({ stackRunId: "run-1/stack-1", taskName: "task", source: code, input: null, journal: live.journal.slice(0, -1), onLog: (line) => replayedLines.push(line) });
    expect(rebuilt.outcome.kind).toBe("suspended");
    expect(replayedLines).toEqual([]);
    const last = live.journal.at(-1)!;
    expect(resultOf(rebuilt.vm.resume({ at: last.at, results: last.results }))).toBe("done");
    // 27 lines before the last activation: the run's 25 are spent, so the replayed VM drops its 9.
    expect(texts(replayedLines)).toEqual([`warn LOG_LIMIT: 9 more log lines of this activation were dropped; ${BOUNDS}`]);
    expect(texts(liveLast)).toEqual(texts(replayedLines));
  });

  it("costs a dropped line next to nothing: the VM stops formatting and sending once the host refuses one", async () => {
    const code = source(`export default async function () {
      let formatted = 0;
      const counted = { toJSON() { formatted += 1; return "x"; } };
      for (let i = 0; i < 100000; i++) console.log(counted);
      return formatted;
    }`);
    const lines: LogLine[] = [];
    const started = performance.now();
    const { outcome } = await sandbox.current.start({ stackRunId: "s", taskName: "task", source: code, input: null, at: 0, onLog: (line) => lines.push(line) });
    expect(resultOf(outcome)).toBe(11);
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)!.message).toBe(`LOG_LIMIT: 99990 more log lines of this activation were dropped; ${BOUNDS}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("keeps normal logs as they were", async () => {
    const run = await runLive(sandbox.current, source(`export default async function (input, tools) { console.log("a", 1, {b: 2}); tools.log("warn", "w"); return 1; }`), echo);
    expect(texts(run.logs)).toEqual(['info a 1 {"b":2}', "warn w"]);
  });
});
