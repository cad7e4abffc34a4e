import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_LAYOUT, type RunView, TASKER_CLI, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const MIGRATIONS = fileURLToPath(new URL("../../tasks/migrations/", import.meta.url));
const ADMIN_TOKEN = randomBytes(24).toString("base64url");

/**
 * Awaits each of `input.steps` (an expression over `db`, which is `tools.supabase`) in turn: per step
 * what it resolved to, or `{rejected: code, name, message}`.
 */
const STEPS = `module.exports = async (input, { tools }) => {
  const out = [];
  for (const step of input.steps) {
    try { out.push(await new Function("db", "return " + step)(tools.supabase)); }
    catch (error) { out.push({ rejected: error.code, name: error.name, message: error.message }); }
  }
  return out;
};`;

type Answer<T = any> = { status: number; body: T }; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are read loosely and their shape asserted

describe("database-proxy: tools.supabase on the real PostgreSQL, every service its own process", () => {
  let tasker: TaskerSystem;
  let teamB: string;
  const as = (key: string) => (method: string, path: string, body?: unknown): Promise<Answer> => tasker.request(method, path, body, { authorization: `Bearer ${key}` });
  const operator = () => as(ADMIN_TOKEN);

  async function migrate(...extra: string[]): Promise<string> {
    const { stdout } = await exec(process.execPath, [TASKER_CLI, "db", "migrate", MIGRATIONS, ...extra], { env: { ...process.env, DATABASE_URL: tasker.env.databaseUrl } });
    return stdout;
  }

  async function runAs(key: string, taskName: string, input: unknown): Promise<RunView> {
    const submitted = await as(key)("POST", "/tasks", { taskName, input });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    for (let tries = 0; tries < 6; tries++) {
      const { body } = await as(key)("GET", `/tasks/${submitted.body.taskRunId}/result?wait=10`);
      if (["completed", "failed", "cancelled"].includes(body.status)) return body as RunView;
    }
    throw new Error(`run of ${taskName} did not end`);
  }
  /** What each step of `steps` came to, in a run of namespace default. */
  const steps = async (...list: string[]) => {
    const run = await runAs(ADMIN_TOKEN, "steps", { steps: list });
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    return run.result as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted per step
  };
  const titles = async () => (await tasker.sql<{ title: string }>("SELECT title FROM task_data.notes ORDER BY title")).map((row) => row.title);

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN }, { ...DEFAULT_LAYOUT, "database-proxy": "database-proxy" });
    expect(await migrate()).toBe("applied 001_notes.sql\ntask_data: 1 applied, 0 already applied\n");
    expect(await migrate()).toBe("already applied 001_notes.sql\ntask_data: 0 applied, 1 already applied\n");
    const notesCrud = await import("node:fs/promises").then((fs) => fs.readFile(new URL("../../tasks/notes-crud.js", import.meta.url), "utf8"));
    for (const [name, code] of [["notes-crud", notesCrud], ["steps", STEPS]]) expect((await operator()("POST", "/task-functions", { name, code })).status).toBe(201);
    const made = await operator()("POST", "/auth/keys", { namespace: "team-b", role: "admin" });
    expect(made.status).toBe(201);
    teamB = made.body.key;
    expect((await as(teamB)("POST", "/task-functions", { name: "steps", code: STEPS })).status).toBe(201);
  }, 90_000);

  afterAll(async () => {
    await tasker?.stop();
  });

  it("runs notes-crud end to end: created, read, updated and deleted three notes, and leaves none", async () => {
    const run = await runAs(ADMIN_TOKEN, "notes-crud", {});
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    expect(run.result).toEqual({ created: 3, read: 3, updated: 2, deleted: 3 });
    expect(await titles()).toEqual([]);
    const calls = (await tasker.events(`run:${run.taskRunId}`)).filter((event) => event.type === "stack.created" && (event.data as { service: string }).service === "database");
    expect(calls).toHaveLength(4);
  });

  it("refuses a delete or an update without a filter, resolving an error, with the table intact", async () => {
    await steps(`db.from("notes").insert([{ title: "keep 1" }, { title: "keep 2" }])`);
    const [deleted, updated] = await steps(`db.from("notes").delete()`, `db.from("notes").update({ body: "x" }).select()`);
    expect(deleted).toMatchObject({ data: null, status: 400, error: { code: "21000", message: "DELETE requires a WHERE clause" } });
    expect(updated).toMatchObject({ data: null, error: { code: "21000", message: "UPDATE requires a WHERE clause" } });
    expect(await titles()).toEqual(["keep 1", "keep 2"]);
  });

  it("resolves query errors as {data: null, error}, and rejects a malformed query INVALID_ARGUMENT", async () => {
    const [missing, column, duplicate, none, malformed, fromNumber] = await steps(
      `db.from("no_such_table").select()`,
      `db.from("notes").select("id,nope")`,
      `db.from("notes").insert({ title: "keep 1" })`,
      `db.from("notes").select().eq("title", "nobody").single()`,
      `__callHostTool__("database", ["query"], [{ table: "notes", action: "select", filters: "all" }])`,
      `db.from(42)`,
    );
    expect(missing).toMatchObject({ data: null, error: { code: "42P01", message: 'relation "no_such_table" does not exist' } });
    expect(column).toMatchObject({ data: null, error: { code: "42703", message: "column notes.nope does not exist" } });
    expect(duplicate).toMatchObject({ data: null, error: { code: "23505", details: "Key (title)=(keep 1) already exists." } });
    expect(none).toMatchObject({ data: null, error: { code: "PGRST116" } });
    expect(malformed).toMatchObject({ rejected: "INVALID_ARGUMENT", name: "ServiceError", message: expect.stringContaining("filters") });
    expect(fromNumber).toEqual({ rejected: "INVALID_ARGUMENT", name: "TypeError", message: "from: the table must be a non-empty string" });
  });

  it("passes injection attempts through every builder argument harmlessly or refuses them; the table stays intact", async () => {
    const drop = `"; DROP TABLE task_data.notes; --`;
    const quoted = JSON.stringify(drop);
    const value = `'); DELETE FROM task_data.notes; --`;
    const results = await steps(
      `db.from(${quoted}).select()`,
      `db.from("notes; DROP TABLE notes").select()`,
      `db.from("notes").select(${JSON.stringify(`id, title FROM task_data.notes; ${drop}`)})`,
      `db.from("notes").select().eq(${quoted}, 1)`,
      `db.from("notes").select().order(${JSON.stringify(`id; ${drop}`)})`,
      `db.from("notes").select("title").eq("title", ${JSON.stringify(value)})`,
      `db.from("notes").select("title").in("title", ["keep 1", ${JSON.stringify(value)}, "' OR '1'='1"])`,
      `db.from("notes").select("title").like("title", "%' OR 1=1 --")`,
      `db.from("notes").insert({ title: ${JSON.stringify(value)} }).select("title")`,
      `db.from("notes").upsert({ title: "keep 1" }, { onConflict: ${JSON.stringify(`title) DO NOTHING; ${drop}`)} })`,
      `db.from("notes").update({ [${JSON.stringify(`body = 'x'; ${drop}`)}]: 1 }).eq("title", "keep 1")`,
      `db.from("notes").select("title").order("title", { ascending: true }).range(0, 0)`,
    );
    const codes = results.map((result) => result.error?.code ?? result.rejected ?? "ok");
    expect(codes).toEqual(["42P01", "42P01", "42703", "42703", "42703", "ok", "ok", "ok", "ok", "42703", "42703", "ok"]);
    expect(results[5].data).toEqual([]);
    expect(results[6].data).toEqual([{ title: "keep 1" }]);
    expect(results[7].data).toEqual([]);
    expect(results[8].data).toEqual([{ title: value }]);
    expect(results[11].data).toEqual([{ title: value }]);
    expect(await titles()).toEqual([value, "keep 1", "keep 2"].sort());
    expect(await tasker.sql("SELECT body FROM task_data.notes WHERE body IS NOT NULL")).toEqual([]);
  });

  it("keeps each namespace to its own schema: team-b sees its own notes table, never default's", async () => {
    const [before] = (await runAs(teamB, "steps", { steps: [`db.from("notes").select()`] })).result as unknown[];
    expect(before).toMatchObject({ data: null, error: { code: "42P01" } });
    expect(await migrate("--namespace", "team-b")).toBe("applied 001_notes.sql\ntask_data__team_b: 1 applied, 0 already applied\n");
    const run = await runAs(teamB, "steps", { steps: [`db.from("notes").select("title")`, `db.from("notes").insert({ title: "b's" }).select("title")`, `db.from("notes").delete().neq("title", "").select("title")`] });
    expect(run.result).toEqual([
      { data: [], error: null, count: null, status: 200, statusText: "OK" },
      { data: [{ title: "b's" }], error: null, count: null, status: 201, statusText: "Created" },
      { data: [{ title: "b's" }], error: null, count: null, status: 200, statusText: "OK" },
    ]);
    expect((await titles()).length).toBe(3);
  });
});
