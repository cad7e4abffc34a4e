import { randomBytes } from "node:crypto";
import { runStreamId } from "@tasker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

const ADMIN_TOKEN = randomBytes(24).toString("base64url");

describe("listing runs over HTTP (GET /tasks)", () => {
  let gateway: GatewayEnv;
  const operator = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const list = (query: string, headers: Record<string, string> = operator) => gateway.request("GET", `/tasks${query}`, undefined, headers);
  /** Runs submitted in `default`, oldest first. */
  const greets: string[] = [];
  const others: string[] = [];
  const submitted: string[] = [];

  beforeAll(async () => {
    gateway = await startGatewayEnv({ TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN });
    for (const name of ["greet", "other"]) await gateway.request("POST", "/task-functions", { name, code: DOCUMENTED_TASK }, operator);
    for (let i = 0; i < 7; i++) {
      const name = i % 3 === 2 ? "other" : "greet";
      const { body } = await gateway.request("POST", "/tasks", { taskName: name, input: { name: `n${i}` } }, operator);
      (name === "greet" ? greets : others).push(body.taskRunId);
      submitted.push(body.taskRunId);
    }
    const ended = greets[0]!;
    await gateway.platform.store.append(runStreamId(ended), { guard: "run", version: 0 }, [{ type: "run.completed", data: { taskRunId: ended, result: 1 } }]);
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("answers the newest runs first, each with its task, status and times, and a duration once ended", async () => {
    const { status, body } = await list("");
    expect(status).toBe(200);
    expect(body.nextCursor).toBeUndefined();
    expect(body.items).toHaveLength(7);
    expect(body.items.map((item: { taskRunId: string }) => item.taskRunId)).toEqual([...submitted].reverse());
    expect(body.items[0]).toEqual({ taskRunId: submitted.at(-1), taskName: "greet", status: "queued", createdAt: expect.any(String), updatedAt: expect.any(String) });
    const ended = body.items.at(-1);
    expect(ended).toMatchObject({ taskRunId: greets[0], status: "completed", durationMs: expect.any(Number) });
    expect(Date.parse(ended.createdAt) + ended.durationMs).toBe(Date.parse(ended.updatedAt));
  });

  it("pages with the cursor it hands out, each run once, in the same order", async () => {
    const all = (await list("?limit=500")).body.items.map((item: { taskRunId: string }) => item.taskRunId);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items.map((item: { taskRunId: string }) => item.taskRunId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(seen).toHaveLength(7);
  });

  it("filters by status, task and creation time", async () => {
    const ids = async (query: string) => (await list(query)).body.items.map((item: { taskRunId: string }) => item.taskRunId);
    expect(await ids("?status=completed")).toEqual([greets[0]]);
    expect(await ids("?taskName=other")).toEqual([...others].reverse());
    expect(await ids("?taskName=greet&status=queued&limit=2")).toEqual(greets.slice(-2).reverse());
    const all = (await list("")).body.items;
    const since = all[2].createdAt;
    expect(await ids(`?since=${encodeURIComponent(since)}`)).toEqual(all.filter((item: { createdAt: string }) => item.createdAt >= since).map((item: { taskRunId: string }) => item.taskRunId));
    expect(await ids("?since=2999-01-01T00:00:00Z")).toEqual([]);
    expect(await ids("?since=2999-01-01")).toEqual([]);
    expect(await ids("?since=2000-01-01")).toEqual(all.map((item: { taskRunId: string }) => item.taskRunId));
  });

  it.each([
    ["status=sleeping", "status"],
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["limit=ten", "limit"],
    ["since=yesterday", "since"],
    ["taskName=no%20spaces", "taskName"],
    ["cursor=not-a-cursor", "cursor"],
    [`cursor=${Buffer.from(JSON.stringify(["2026-01-01T00:00:00Z", "x"])).toString("base64url")}`, "cursor"],
    ["since=0000-01-01", "since"],
    ...["1", "-1", "Jan 1 2026 10:00 GMT+0100", "2026-02-30T00:00:00.000000Z", "0000-01-01T00:00:00.000000Z"].map((createdAt) => [
      `cursor=${Buffer.from(JSON.stringify([createdAt, "0193a8f2-7c1e-7000-8000-000000000000"])).toString("base64url")}`,
      "cursor",
    ]),
  ])("answers 400 naming the field for %s", async (query, field) => {
    const { status, body } = await list(`?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", field });
  });

  it("shows a key its own namespace's runs only", async () => {
    const made = await gateway.request("POST", "/auth/keys", { namespace: "team-b", role: "run" }, operator);
    expect(made.status).toBe(201);
    const { status, body } = await list("", { authorization: `Bearer ${made.body.key}` });
    expect(status).toBe(200);
    expect(body).toEqual({ items: [] });
    expect((await list("")).body.items).toHaveLength(7);
  });
});
