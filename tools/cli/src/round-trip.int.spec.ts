import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executorService } from "@tasker/executor";
import { type GatewayHandle, gatewayService } from "@tasker/gateway";
import { stackProcessorService } from "@tasker/stack-processor";
import { memoryIo } from "./memory-io.js";
import { runCli } from "./run-cli.js";
import { REPO_TASKS_FOLDER } from "./task-files/tasks-folder.js";

let env: IsolatedEnvironment;
let handle: ServicesHandle;
let url: string;
let scratch: string;

/** Runs `tasker ...args` against the test's gateway; resolves to its exit code and output. */
async function tasker(...args: string[]) {
  const io = memoryIo({ TASKER_URL: url });
  const code = await runCli(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(async () => {
  env = await createIsolatedEnvironment();
  const config = loadConfig({ DATABASE_URL: env.databaseUrl, NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix, PORT: "0" });
  handle = await startServices(config, [stackProcessorService, executorService, gatewayService], "cli-test");
  url = (handle.services[2] as GatewayHandle).url;
  scratch = await mkdtemp(join(tmpdir(), "tasker-cli-"));
});

afterAll(async () => {
  await handle?.close();
  await env?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("tasker against a running Tasker", () => {
  it("publishes every example task, and lists them with version and description", async () => {
    const published = await tasker("publish", "--all", "--dir", REPO_TASKS_FOLDER);
    expect(published.stderr).toBe("");
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/^nested-calls-test  [\da-f]{12}$/m);
    expect(published.stdout).toMatch(/^shared\/gapi-helper  [\da-f]{12}$/m);
    const version = /^nested-calls-test  ([\da-f]{12})$/m.exec(published.stdout)![1];

    const listed = await tasker("list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^nested-calls-test +${version} +Calls itself with depth-1`, "m"));
    expect(listed.stdout).toMatch(/^comprehensive-gmail-search +[\da-f]{12} +Searches Gmail.* gapi$/m);
    expect(listed.stdout).toMatch(/^NAME +VERSION +DESCRIPTION +USES$/m);
    // One row per function, however many lines its description has (notes-crud's has three).
    expect(listed.stdout).toMatch(/^notes-crud +[\da-f]{12} +Creates three notes, .* first\)\. Each run's notes .* database:notes$/m);
    expect(listed.stdout.trimEnd().split("\n")).toHaveLength(1 + published.stdout.trimEnd().split("\n").length);
  });

  it("runs a nested task to its end with --poll, then shows its status and logs", async () => {
    const ran = await tasker("run", "--task", "nested-calls-test", "--input", '{"depth":2}', "--poll");
    expect(ran.stderr).toMatch(/COMPLETED {2}\d+\.\ds\n$/);
    expect(ran.code).toBe(0);
    // stdout carries the result alone (a script pipes it on); the run id comes first on stderr.
    const result = JSON.parse(ran.stdout);
    expect(result).toMatchObject({ depth: 2, nestedResult: { depth: 1, nestedResult: { depth: 0 } } });
    const id = ran.stderr.split("\n")[0];
    expect(id).toMatch(/^[\da-f-]{36}$/);

    const status = await tasker("status", id!);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^run +${id}\ntask +nested-calls-test\nstatus +completed\n`));
    expect(status.stdout).toMatch(/^result +\{\n/m);

    const logs = await tasker("logs", id!);
    expect(logs.code).toBe(0);
    const lines = logs.stdout.trimEnd().split("\n");
    for (const depth of [2, 1, 0]) expect(logs.stdout).toContain(`Starting nested calls test at depth ${depth}`);
    for (const line of lines) expect(line).toMatch(/^\S+Z {2}INFO {3}[\da-f]{8} {2}\S/);
  });

  it("exits 1 with the error's code and message when the run fails", async () => {
    const ran = await tasker("run", "--task", "fail", "--input", '{"message":"no luck","code":"BAD_LUCK"}', "--poll");
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/tasker: run failed: BAD_LUCK: no luck\n$/);
    expect(ran.stdout).toBe("");
  });

  it("prints the ended run as one JSON document with --poll --json, as GET /tasks/:id answers it", async () => {
    const ran = await tasker("run", "--task", "nested-calls-test", "--input", '{"depth":1}', "--poll", "--json");
    expect(ran.code).toBe(0);
    const run = JSON.parse(ran.stdout);
    expect(run).toMatchObject({ taskName: "nested-calls-test", status: "completed", result: { depth: 1, nestedResult: { depth: 0 } } });
    const viaHttp = await (await fetch(`${url}/tasks/${run.taskRunId}`)).json();
    expect(run).toEqual(viaHttp);

    const failed = await tasker("run", "--task", "fail", "--input", '{"message":"no luck","code":"BAD_LUCK"}', "--poll", "--json");
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: "failed", error: { code: "BAD_LUCK", message: "no luck" } });

    const submitted = await tasker("run", "--task", "nested-calls-test", "--input", '{"depth":0}', "--json");
    expect(submitted.code).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ taskRunId: expect.stringMatching(/^[\da-f-]{36}$/), taskName: "nested-calls-test" });
  });

  it("exits 3 when the run it follows with --poll is cancelled", async () => {
    // The run waits on a Google call nobody answers; its id is the first line on stderr while it is followed.
    const io = memoryIo({ TASKER_URL: url });
    const polling = runCli(["run", "--task", "gapi-list-domains-with-nested", "--poll"], io);
    const deadline = Date.now() + 10_000;
    while (!io.stderr.includes("SUSPENDED") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const id = io.stderr.split("\n")[0]!;
    expect((await tasker("cancel", id)).code).toBe(0);
    expect(await polling).toBe(3);
    expect(io.stderr).toMatch(/tasker: run cancelled: CANCELLED: .*\n$/);
    expect(io.stdout).toBe("");
  });

  it("cancels a run that waits on a service nobody answers", async () => {
    const submitted = await tasker("run", "--task", "gapi-list-domains-with-nested");
    const id = submitted.stdout.trim();
    const deadline = Date.now() + 10_000;
    let status = "";
    while (!status.includes("status    suspended") && Date.now() < deadline) status = (await tasker("status", id)).stdout;
    expect(status).toContain("waiting   gapi.admin.directory.domains.list (seq 0)");

    const cancelled = await tasker("cancel", id);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`^${id}  cancel requested`));
    while (!status.includes("status    cancelled") && Date.now() < deadline) status = (await tasker("status", id)).stdout;
    expect(status).toContain("error     CANCELLED: ");
  });

  it("sends a waiting run a signal with tasker signal, and refuses a payload that is not JSON", async () => {
    const submitted = await tasker("run", "--task", "approval-flow", "--input", '{"approver":"ann","timeoutMs":60000}');
    const id = submitted.stdout.trim();
    const deadline = Date.now() + 10_000;
    let status = "";
    while (!status.includes("status    suspended") && Date.now() < deadline) status = (await tasker("status", id)).stdout;
    expect(status).toContain("waiting   signals.wait (seq 0)");

    const refused = await tasker("signal", id, "approve", "--payload", "{not json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--payload must be JSON/);
    const sent = await tasker("signal", id, "approve", "--payload", '{"by":"bob"}');
    expect(sent.stderr).toBe("");
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(new RegExp(`^${id}  signal approve sent \\(signalId: [\\da-f-]{36}\\)\n$`));
    while (!status.includes("status    completed") && Date.now() < deadline) status = (await tasker("status", id)).stdout;
    expect(status).toContain('"by": "bob"');

    const ended = await tasker("signal", id, "approve");
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/RUN_ENDED/);
  });

  it("prints the server's message, naming the line, for code that does not parse", async () => {
    await writeFile(join(scratch, "broken.js"), "/** @description broken */\nexport default async function (input) {\n  return {;\n}\n");
    const published = await tasker("publish", "--specific", "broken", "--dir", scratch);
    expect(published.code).toBe(1);
    expect(published.stderr).toMatch(/^tasker: broken \(.*broken\.js\): \w+: .*line 3/);
  });

  it("reports an unknown task as the gateway's error", async () => {
    const ran = await tasker("run", "--task", "no-such-task");
    expect(ran.code).toBe(1);
    // The gateway's message names its route (POST /task-functions); the CLI's names its own command.
    expect(ran.stderr).toBe('tasker: TASK_NOT_FOUND: no task function named "no-such-task" was published; publish it with tasker publish first\n');
  });
});
