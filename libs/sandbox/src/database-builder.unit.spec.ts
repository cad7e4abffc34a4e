import type { CallResult, ToolCall } from "./index.js";
import { resultOf, runLive, source, useSandbox } from "@tasker/testing";
import { describe, expect, it } from "vitest";

// After each test every VM was disposed and QuickJS freed every runtime: nothing leaked.
const sandbox = useSandbox();

/** Answers every database call `{data: <the query>, error: null}`, as if the proxy echoed it. */
const echoQuery = (call: ToolCall): CallResult => ({ seq: call.seq, ok: true, value: { data: call.args[0] ?? null, error: null } });

/** The calls a task makes, in order, each answered by `echoQuery`. */
async function callsOf(body: string): Promise<ToolCall[]> {
  const calls: ToolCall[] = [];
  const live = await runLive(sandbox.current, source(`export default async function (input, tools) { ${body} }`), (call) => {
    calls.push(call);
    return echoQuery(call);
  });
  resultOf(live.outcome);
  return calls;
}

describe("tools.database / tools.supabase: a supabase-style builder that is plain data", () => {
  it("makes one call database.query(query) when awaited, with every part of the chain in the query", async () => {
    const calls = await callsOf(`
      const { data } = await tools.supabase.from("notes").select("id,title").eq("owner", "ada").neq("n", 1).gt("n", 2).gte("n", 3)
        .lt("n", 9).lte("n", 8).like("title", "a%").ilike("title", "%B").in("id", [1, 2]).is("done", null)
        .order("id", { ascending: false }).order("title", { nullsFirst: true }).range(10, 19).single();
      return data;`);
    expect(calls).toEqual([
      {
        seq: 0,
        service: "database",
        method: ["query"],
        args: [
          {
            table: "notes",
            action: "select",
            columns: "id,title",
            filters: [
              { column: "owner", op: "eq", value: "ada" },
              { column: "n", op: "neq", value: 1 },
              { column: "n", op: "gt", value: 2 },
              { column: "n", op: "gte", value: 3 },
              { column: "n", op: "lt", value: 9 },
              { column: "n", op: "lte", value: 8 },
              { column: "title", op: "like", value: "a%" },
              { column: "title", op: "ilike", value: "%B" },
              { column: "id", op: "in", value: [1, 2] },
              { column: "done", op: "is", value: null },
            ],
            order: [
              { column: "id", ascending: false },
              { column: "title", ascending: true, nullsFirst: true },
            ],
            offset: 10,
            limit: 10,
            single: "one",
          },
        ],
      },
    ]);
  });

  it("is the same object under both names, and builds writes with .select() returning the rows", async () => {
    const calls = await callsOf(`
      if (tools.database !== tools.supabase) throw new Error("two objects");
      await tools.database.from("notes").insert({ title: "a", tags: ["x"], meta: { k: 1 } }).select();
      await tools.database.from("notes").insert([{ title: "b" }, { title: "c" }]);
      await tools.database.from("notes").upsert([{ id: 1, title: "d" }], { onConflict: "id", ignoreDuplicates: true }).select("id").maybeSingle();
      await tools.database.from("notes").update({ title: "e" }).eq("id", 1).select("id,title");
      await tools.database.from("notes").delete().in("id", []);
      await tools.database.from("notes").select(undefined, { count: "exact" }).limit(5);`);
    expect(calls.map((call) => call.args[0])).toEqual([
      { table: "notes", action: "insert", rows: [{ title: "a", tags: ["x"], meta: { k: 1 } }], columns: "*" },
      { table: "notes", action: "insert", rows: [{ title: "b" }, { title: "c" }] },
      { table: "notes", action: "upsert", rows: [{ id: 1, title: "d" }], onConflict: "id", ignoreDuplicates: true, columns: "id", single: "maybe" },
      { table: "notes", action: "update", values: { title: "e" }, filters: [{ column: "id", op: "eq", value: 1 }], columns: "id,title" },
      { table: "notes", action: "delete", filters: [{ column: "id", op: "in", value: [] }] },
      { table: "notes", action: "select", columns: "*", count: "exact", limit: 5 },
    ]);
    expect(calls.every((call) => call.service === "database")).toBe(true);
  });

  it("makes no call until awaited, and a call per await (Promise.all runs them in order)", async () => {
    const calls = await callsOf(`
      const query = tools.supabase.from("a").select();
      const [x, y] = await Promise.all([tools.supabase.from("b").select(), query]);
      await query;
      return [x.data.table, y.data.table];`);
    expect(calls.map((call) => [call.seq, (call.args[0] as { table: string }).table])).toEqual([
      [0, "b"],
      [1, "a"],
      [2, "a"],
    ]);
  });

  it("fails at the call site with a TypeError INVALID_ARGUMENT naming the method, before any call", async () => {
    const attempts = {
      "from(42)": `tools.database.from(42)`,
      'from("")': `tools.database.from("")`,
      "select(1)": `tools.database.from("t").select(1)`,
      "select count": `tools.database.from("t").select("*", { count: "planned" })`,
      "eq column": `tools.database.from("t").select().eq(7, 1)`,
      "in not array": `tools.database.from("t").select().in("id", 3)`,
      "is 1": `tools.database.from("t").select().is("done", 1)`,
      "like number": `tools.database.from("t").select().like("title", 3)`,
      "order ascending": `tools.database.from("t").select().order("id", { ascending: "no" })`,
      "limit -1": `tools.database.from("t").select().limit(-1)`,
      "limit 1.5": `tools.database.from("t").select().limit(1.5)`,
      "range reversed": `tools.database.from("t").select().range(5, 2)`,
      "insert []": `tools.database.from("t").insert([])`,
      "insert string": `tools.database.from("t").insert("row")`,
      "insert [1]": `tools.database.from("t").insert([1])`,
      "update array": `tools.database.from("t").update([{ a: 1 }])`,
      "upsert onConflict": `tools.database.from("t").upsert({ a: 1 }, { onConflict: 5 })`,
      "select twice": `tools.database.from("t").select().select()`,
    };
    const code = source(`export default async function (input, tools) {
      const out = {};
      for (const [name, attempt] of Object.entries(input)) {
        try { new Function("tools", attempt)(tools); out[name] = "no error"; } catch (error) { out[name] = [error.name, error.code, error.message]; }
      }
      return out;
    }`);
    const calls: ToolCall[] = [];
    const live = await runLive(sandbox.current, code, (call) => (calls.push(call), echoQuery(call)), { input: attempts });
    const out = resultOf(live.outcome) as Record<string, [string, string, string]>;
    expect(calls).toEqual([]);
    for (const [name, [errorName, code, message]] of Object.entries(out)) {
      expect([name, errorName, code]).toEqual([name, "TypeError", "INVALID_ARGUMENT"]);
      expect(message, name).toMatch(/^(from|select|eq|in|is|like|order|limit|range|insert|update|upsert): /);
    }
    expect(out["from(42)"]![2]).toBe("from: the table must be a non-empty string");
  });

  it("builds the same query when the task has replaced Array.prototype, Object and Promise.prototype.then", async () => {
    const calls = await callsOf(`
      Array.prototype.push = () => { throw new Error("push"); };
      Array.prototype.map = () => { throw new Error("map"); };
      Array.prototype.slice = () => { throw new Error("slice"); };
      Array.isArray = () => false;
      const realThen = Promise.prototype.then;
      const builder = tools.supabase.from("notes").select().in("id", [1, 2]).order("id");
      Promise.prototype.then = function () { throw new Error("then"); };
      const call = builder.then((result) => result.data);
      Promise.prototype.then = realThen;
      return await call;`);
    expect(calls.map((call) => call.args[0])).toEqual([{ table: "notes", action: "select", columns: "*", filters: [{ column: "id", op: "in", value: [1, 2] }], order: [{ column: "id", ascending: true }] }]);
  });

  it("is one frozen object under both names, made once in a VM", async () => {
    const code = source(`export default async function (input, tools) {
      const first = tools.database;
      return [first === tools.supabase, first === tools.database, Object.isFrozen(first), Object.isFrozen(first.from("notes"))];
    }`);
    expect(resultOf((await runLive(sandbox.current, code)).outcome)).toEqual([true, true, true, true]);
  });

  it("replays to the same calls: no clock, no randomness in the query", async () => {
    const code = source(`export default async function (input, tools) {
      const inserted = await tools.supabase.from("notes").insert({ title: "x" }).select().single();
      const read = await tools.supabase.from("notes").select("id").eq("id", inserted.data.table);
      return read.data;
    }`);
    const live = await runLive(sandbox.current, code, echoQuery);
    const { outcome } = await sandbox.current.replay({ stackRunId: "run-1/stack-1", taskName: "task", source: code, input: { n: 1 }, journal: live.journal, onLog: () => {} });
    expect(outcome).toEqual(live.outcome);
  });

  it("rejects with the call's error when the service fails, catchably", async () => {
    const code = source(`export default async function (input, tools) {
      try { await tools.database.from("notes").select(); return "no error"; } catch (error) { return [error.code, error.message]; }
    }`);
    const live = await runLive(sandbox.current, code, (call) => ({ seq: call.seq, ok: false, error: { code: "PERMISSION_DENIED", name: "ServiceError", message: "declare @uses database:notes" } }));
    expect(resultOf(live.outcome)).toEqual(["PERMISSION_DENIED", "declare @uses database:notes"]);
  });
});
