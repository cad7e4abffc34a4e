import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIsolatedEnvironment, type FakeGoogle, type IsolatedEnvironment, startFakeGoogle, TASKER_CLI } from "@tasker/testing";

let google: FakeGoogle;
let env: IsolatedEnvironment;
let dev: ChildProcess;
let url: string;

async function request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

beforeAll(async () => {
  google = await startFakeGoogle();
  env = await createIsolatedEnvironment();
  dev = spawn(process.execPath, [TASKER_CLI, "dev"], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      NATS_URL: env.natsUrl,
      TASKER_SUBJECT_PREFIX: env.prefix,
      PORT: "0",
      DATABASE_POOL_SIZE: "6",
      TASKER_MASTER_KEY: randomBytes(32).toString("base64"),
      GOOGLE_API_ROOT_URL: google.rootUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GAPI_ADMIN_SUBJECT: "ada@alpha.example",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  dev.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  dev.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const running = /Tasker is running: gateway on (\S+),/.exec(output);
    if (running) {
      url = running[1]!;
      break;
    }
    if (dev.exitCode !== null || Date.now() > deadline) throw new Error(`tasker dev did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect((await request("PUT", "/keys/gapi-service-account", { value: google.serviceAccountJson() })).status).toBe(204);
}, 120_000);

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev.once("exit", resolve));
    dev.kill("SIGTERM");
    await exited;
  }
  await env?.cleanup();
  await google?.close();
});

describe("tasker dev: every service in one process, the examples published", () => {
  it("runs comprehensive-gmail-search against the fake Google", async () => {
    const submitted = await request("POST", "/tasks", { taskName: "comprehensive-gmail-search", input: { gmailSearchQuery: "welcome", maxUsersPerDomain: 2, maxResultsPerUser: 3 } });
    expect(submitted.status).toBe(202);
    const { taskRunId } = submitted.body as { taskRunId: string };
    let run: { status: string; result?: { success: boolean; summary: Record<string, unknown> } } = { status: "queued" };
    for (let i = 0; i < 6 && !["completed", "failed", "cancelled"].includes(run.status); i++) {
      run = (await request("GET", `/tasks/${taskRunId}/result?wait=10`)).body as typeof run;
    }
    expect(run.status).toBe("completed");
    expect(run.result?.summary).toMatchObject({ query: "welcome", domainsProcessed: 3, usersProcessed: 6, totalEmails: 6 });
  });

  it("runs sleepy-reminder and gapi-list-domains-with-nested, published by tasker dev itself", async () => {
    for (const [taskName, input] of [["sleepy-reminder", { steps: 2, sleepMs: 200 }], ["gapi-list-domains-with-nested", {}]] as const) {
      const { body } = await request("POST", "/tasks", { taskName, input });
      const { taskRunId } = body as { taskRunId: string };
      const run = (await request("GET", `/tasks/${taskRunId}/result?wait=30`)).body as { status: string };
      expect(run.status, taskName).toBe("completed");
    }
  });
});
