import { MAX_LOG_LINE_CHARS, stringProblem } from "@tasker/contracts";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { resultOf, runLive, source, startTask } from "@tasker/testing";
import { createSandbox, type Sandbox } from "./sandbox.js";
import type { LogLine } from "./types.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ logLinesPerActivation: 10 });
});
afterEach(() => {
  expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
});
afterAll(() => sandbox.dispose());

const linesOf = async (body: string): Promise<LogLine[]> => {
  const lines: LogLine[] = [];
  const { outcome } = await startTask(sandbox, source(`export default async function (input, tools) {${body}}`), null, (line) => lines.push(line));
  expect(outcome.kind).toBe("completed");
  return lines;
};

it("writes \\u0000 as its escape and an unpaired surrogate as one U+FFFD, and keeps what follows them", async () => {
  const lines = await linesOf(`console.log("a\\u0000b", "c\\ud800d", "e\\udc00", "pair 😀"); tools.log("warn", "\\u0000");`);
  expect(lines.map((line) => [line.level, line.message])).toEqual([
    ["info", "a\\u0000b c\uFFFDd e\uFFFD pair 😀"],
    ["warn", "\\u0000"],
  ]);
});

it("cuts a line longer than MAX_LOG_LINE_CHARS to end with '… (truncated)' within the bound", async () => {
  const lines = await linesOf(`console.log("x".repeat(30 * 1024 * 1024)); console.log("y".repeat(${MAX_LOG_LINE_CHARS})); console.log(..."z".repeat(20000).split(""));`);
  expect(lines.map((line) => line.message.length)).toEqual([MAX_LOG_LINE_CHARS, MAX_LOG_LINE_CHARS, MAX_LOG_LINE_CHARS]);
  expect(lines[0]!.message).toBe("x".repeat(MAX_LOG_LINE_CHARS - 13) + "… (truncated)");
  expect(lines[1]!.message).toBe("y".repeat(MAX_LOG_LINE_CHARS));
  expect(lines[2]!.message.endsWith("z z… (truncated)")).toBe(true);
});

it("never cuts a line inside the escape of a \\u0000", async () => {
  const [line] = await linesOf(`console.log("\\u0000".repeat(${MAX_LOG_LINE_CHARS}));`);
  const kept = line!.message.slice(0, -"… (truncated)".length);
  expect(line!.message.endsWith("\\u0000… (truncated)")).toBe(true);
  expect(kept).toBe("\\u0000".repeat(kept.length / 6));
});

it("never cuts a line between the halves of a surrogate pair", async () => {
  const [line] = await linesOf(`console.log("a" + "😀".repeat(${MAX_LOG_LINE_CHARS}));`);
  expect(stringProblem(line!.message)).toBeUndefined();
  expect(line!.message.endsWith("😀… (truncated)")).toBe(true);
});

it("drops the lines of an activation over logLinesPerActivation, and says so in a last warn line", async () => {
  const code = source(`export default async function (input, tools) {
    for (let i = 0; i < 25; i++) console.log("first " + i);
    await tools.sleep(1);
    for (let i = 0; i < 3; i++) console.log("second " + i);
    return "done";
  }`);
  const run = await runLive(sandbox, code);
  expect(resultOf(run.outcome)).toBe("done");
  const messages = run.logs.map((line) => `${line.level} ${line.message}`);
  expect(messages).toEqual([
    ...Array.from({ length: 10 }, (_, i) => `info first ${i}`),
    "warn LOG_LIMIT: 15 more log lines of this activation were dropped; at most 10 lines and 1 MiB per activation, 10000 lines and 10 MiB per run",
    "info second 0",
    "info second 1",
    "info second 2",
  ]);
  expect(run.logs[10]!.at).toBe(run.journal[0]!.at);
});

it("writes a line at an unknown level as info, even when the task subverts the prelude's check", async () => {
  const lines = await linesOf(`Array.prototype.includes = () => true; tools.log("evil\\u0000", "x");`);
  expect(lines.map((line) => [line.level, line.message])).toEqual([["info", "x"]]);
});
