import { describe, expect, it } from "vitest";
import { echo, errorOf, resultOf, runLive, source, useSandbox } from "@tasker/testing";
import type { JournalActivation, LogLine } from "./types.js";

const sandbox = useSandbox();

const replay = (code: ReturnType<typeof source>, journal: JournalActivation[], onLog: (line: LogLine) => void = () => {}) =>
  sandbox.current.replay({ stackRunId: "run-1/stack-1", taskName: "task", source: code, input: { n: 1 }, journal, onLog });

// 1,000 calls: 600 sequential awaits, then 4 rounds of Promise.all over 100 calls each.
const thousandCalls = source(`export default async function (input, tools) {
  let total = 0;
  for (let i = 0; i < 600; i++) total += (await tools.gapi.counter.add({ i })).value;
  for (let round = 0; round < 4; round++) {
    const values = await Promise.all(Array.from({ length: 100 }, (_, i) => tools.gapi.rows.get({ round, i })));
    total += values.reduce((sum, v) => sum + v.value, 0);
  }
  console.log("total", total);
  return { total, random: Math.random(), now: Date.now() };
}`);
const numbered = (call: { seq: number }) => ({ seq: call.seq, ok: true as const, value: { value: call.seq } });

describe("replay", () => {
  it("rebuilds a 1,000-call run from its journal and reaches the same state and result", async () => {
    const live = await runLive(sandbox.current, thousandCalls, numbered);
    const liveResult = resultOf(live.outcome);
    expect(live.journal.flatMap((a) => a.calls)).toHaveLength(1000);

    // Replay up to the last suspension, then deliver the final batch live: same result as the live run.
    const suspendedJournal = live.journal.slice(0, -1);
    const rebuilt = await replay(thousandCalls, suspendedJournal);
    expect(rebuilt.outcome.kind).toBe("suspended");
    expect(rebuilt.vm.activations).toBe(suspendedJournal.length);
    const last = live.journal.at(-1)!;
    expect(resultOf(rebuilt.vm.resume({ at: last.at, results: last.results }))).toEqual(liveResult);

    // Replaying the whole journal yields the recorded completion itself.
    expect(resultOf((await replay(thousandCalls, live.journal)).outcome)).toEqual(liveResult);
  });

  it("gives Date and Math.random the same values on replay as in the live run", async () => {
    const code = source(`export default async function (input, tools) {
      const seen = [Date.now(), new Date().toISOString(), Math.random()];
      await tools.sleep(10);
      seen.push(Date.now(), Date(), Math.random(), new Date(0).getTime());
      return seen;
    }`);
    const live = await runLive(sandbox.current, code);
    const seen = resultOf(live.outcome) as unknown[];
    expect(seen[0]).toBe(live.journal[0]!.at);
    expect(seen[3]).toBe(live.journal[1]!.at);
    expect(seen[6]).toBe(0);
    const replayed = resultOf((await replay(code, live.journal)).outcome);
    expect(replayed).toEqual(seen);
    const otherRun = await runLive(sandbox.current, code, echo, { stackRunId: "run-2/stack-1" });
    expect((resultOf(otherRun.outcome) as unknown[])[2]).not.toBe(seen[2]);
  });

  it("does not emit log lines again during replay, and emits those of later live activations", async () => {
    const code = source(`export default async function (input, tools) {
      console.log("before");
      await tools.sleep(1);
      console.log("after");
      await tools.sleep(1);
      return "done";
    }`);
    const live = await runLive(sandbox.current, code);
    expect(live.logs.map((line) => line.message)).toEqual(["before", "after"]);
    const lines: string[] = [];
    const rebuilt = await replay(code, live.journal.slice(0, 2), (line) => lines.push(line.message));
    expect(lines).toEqual([]);
    rebuilt.vm.resume({ at: live.journal[2]!.at, results: live.journal[2]!.results });
    expect(lines).toEqual([]);
    const again = await replay(code, live.journal.slice(0, 1), (line) => lines.push(line.message));
    again.vm.resume({ at: live.journal[1]!.at, results: live.journal[1]!.results });
    expect(lines).toEqual(["after"]);
    again.vm.dispose();
  });
});

describe("non-determinism", () => {
  const recorded = source(`export default async function (input, tools) {
    const user = await tools.keystore.get("user");
    return tools.gapi.sheets.get({ user, id: 1 });
  }`);

  it("names the seq, the recorded call and the call made when the arguments differ", async () => {
    const live = await runLive(sandbox.current, recorded);
    const changed = source(`export default async function (input, tools) {
      const user = await tools.keystore.get("user");
      return tools.gapi.sheets.get({ user, id: 2 });
    }`);
    const { outcome } = await replay(changed, live.journal);
    const error = errorOf(outcome);
    expect(error).toMatchObject({ code: "NON_DETERMINISM", name: "NonDeterminismError" });
    expect(error.message).toMatch(/call seq 1: the journal recorded gapi\.sheets\.get with args hash \w+, the code made gapi\.sheets\.get with args hash \w+/);
  });

  it("fails when the code calls another method, even if the task catches the error", async () => {
    const live = await runLive(sandbox.current, recorded);
    const swallowing = source(`export default async function (input, tools) {
      try { await tools.keystore.list(); } catch (e) { return "swallowed"; }
    }`);
    const error = errorOf((await replay(swallowing, live.journal)).outcome);
    expect(error.code).toBe("NON_DETERMINISM");
    expect(error.message).toContain("recorded keystore.get");
    expect(error.message).toContain("made keystore.list");
  });

  it("fails when the code no longer makes a recorded call", async () => {
    const live = await runLive(sandbox.current, recorded);
    const fewer = source(`export default async function (input, tools) { await tools.keystore.get("user"); return 1; }`);
    const error = errorOf((await replay(fewer, live.journal)).outcome);
    expect(error.code).toBe("NON_DETERMINISM");
  });

  it("fails when the code makes a call the journal does not have", async () => {
    const live = await runLive(sandbox.current, recorded);
    const more = source(`export default async function (input, tools) {
      const user = await tools.keystore.get("user");
      await tools.sleep(5);
      return tools.gapi.sheets.get({ user, id: 1 });
    }`);
    expect(errorOf((await replay(more, live.journal)).outcome).message).toContain("the code made sleep.sleep");
  });

  it("reaches the same outcome whether the prelude's parts were compiled in an earlier activation or in the replay", async () => {
    // A failed call (the error part) and the database builder (its part) in the first activation, used again in the last.
    const code = source(`export default async function (input, tools) {
      let first;
      try { await tools.gapi.users.get({ id: 1 }); } catch (error) { first = [error.name, error.code, error.message, error.status]; }
      const db = tools.database;
      const rows = await db.from("notes").select("id").eq("id", 1);
      let second;
      try { await tools.gapi.users.get({ id: 2 }); } catch (error) { second = [error.name, error.code, error instanceof Error]; }
      return [first, second, rows, db === tools.supabase, Object.isFrozen(db)];
    }`);
    const respond = (call: { seq: number; service: string }) =>
      call.service === "database"
        ? { seq: call.seq, ok: true as const, value: { data: [{ id: 1 }], error: null } }
        : { seq: call.seq, ok: false as const, error: { code: "NOT_FOUND", name: "ServiceError", message: "no such user", details: { status: 404 } } };
    const live = await runLive(sandbox.current, code, respond);
    const result = resultOf(live.outcome);
    expect(result).toEqual([["ServiceError", "NOT_FOUND", "no such user", 404], ["ServiceError", "NOT_FOUND", true], { data: [{ id: 1 }], error: null }, true, true]);
    expect(resultOf((await replay(code, live.journal)).outcome)).toEqual(result);
    for (let suspended = 1; suspended < live.journal.length; suspended++) {
      const rebuilt = await replay(code, live.journal.slice(0, suspended));
      expect(rebuilt.outcome.kind).toBe("suspended");
      let outcome = rebuilt.outcome;
      for (const activation of live.journal.slice(suspended)) outcome = rebuilt.vm.resume({ at: activation.at, results: activation.results });
      expect(resultOf(outcome)).toEqual(result);
    }
  });
});
