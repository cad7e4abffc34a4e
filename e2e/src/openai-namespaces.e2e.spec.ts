import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAi, fakeReply, type RunView, startFakeOpenAi, startOpenAiSystem, type TaskerSystem } from "@tasker/testing";

const ADMIN_TOKEN = randomBytes(24).toString("base64url");
const TEAM_B_KEY = `sk-team-b-${randomBytes(16).toString("hex")}`;
const ASK = `module.exports = async (input, { tools }) => {
  try {
    const answer = await tools.openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: input.prompt }] });
    return { ok: true, content: answer.choices[0].message.content };
  } catch (error) {
    return { ok: false, code: error.code, message: error.message };
  }
};`;

let openai: FakeOpenAi;
let tasker: TaskerSystem;
const adminKeys: Record<string, string> = {};

/** A request made with the admin key of `namespace` (`default`: the operator's token). */
const as = (namespace: string) => (method: string, path: string, body?: unknown) =>
  tasker.request<{ taskRunId: string; key: string } & RunView>(method, path, body, { authorization: `Bearer ${namespace === "default" ? ADMIN_TOKEN : adminKeys[namespace]}` });

async function ask(namespace: string, prompt: string): Promise<RunView> {
  const submitted = await as(namespace)("POST", "/tasks", { taskName: "ask", input: { prompt } });
  expect(submitted.status).toBe(202);
  for (let tries = 0; tries < 6; tries++) {
    const { body } = await as(namespace)("GET", `/tasks/${submitted.body.taskRunId}/result?wait=10`);
    if (["completed", "failed", "cancelled"].includes(body.status)) return body;
  }
  throw new Error(`run ${submitted.body.taskRunId} did not end`);
}

beforeAll(async () => {
  openai = await startFakeOpenAi();
  openai.acceptKey(TEAM_B_KEY);
  tasker = await startOpenAiSystem(openai, { TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN });
  for (const namespace of ["team-b", "team-c"]) {
    const made = await as("default")("POST", "/auth/keys", { namespace, role: "admin" });
    expect(made.status).toBe(201);
    adminKeys[namespace] = made.body.key;
  }
  expect((await as("team-b")("PUT", "/keys/openai-api-key", { value: TEAM_B_KEY })).status).toBe(204);
  for (const namespace of ["default", "team-b", "team-c"]) expect((await as(namespace)("POST", "/task-functions", { name: "ask", code: ASK })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await tasker?.stop();
  await openai?.close();
});

describe("openai-proxy with each namespace's own key (TASKER_AUTH=on)", () => {
  it("calls OpenAI with the key of the run's namespace, and fails a namespace without one SECRET_NOT_FOUND", async () => {
    expect((await ask("default", "from default")).result).toEqual({ ok: true, content: fakeReply("from default") });
    expect(openai.received("/v1/chat/completions").at(-1)!.key).toBe(openai.apiKey);
    expect((await ask("team-b", "from b")).result).toEqual({ ok: true, content: fakeReply("from b") });
    expect(openai.received("/v1/chat/completions").at(-1)!.key).toBe(TEAM_B_KEY);

    const before = openai.requests();
    const missing = await ask("team-c", "from c");
    expect(missing.result).toMatchObject({ ok: false, code: "SECRET_NOT_FOUND" });
    expect((missing.result as { message: string }).message).toContain('"openai-api-key" for namespace team-c');
    expect(openai.requests()).toBe(before);
  });
});
