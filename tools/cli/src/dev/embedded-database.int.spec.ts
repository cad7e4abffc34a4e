import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { executorService } from "@tasker/executor";
import { type GatewayHandle, gatewayService } from "@tasker/gateway";
import { loadConfig, type ServicesHandle, startServices } from "@tasker/platform";
import { stackProcessorService } from "@tasker/stack-processor";
import { timersService } from "@tasker/timers";
import { createTestSubjects, parsePrometheusText, sampleSum, TEST_NATS_URL, type TestSubjects } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../memory-io.js";
import { runCli } from "../run-cli.js";
import { REPO_TASKS_FOLDER } from "../task-files/tasks-folder.js";

let subjects: TestSubjects;
let dataDir: string;
let handle: ServicesHandle;
let url: string;

beforeAll(async () => {
  subjects = createTestSubjects();
  dataDir = await mkdtemp(join(tmpdir(), "tasker-pglite-"));
  const config = loadConfig({ DATABASE_URL: `pglite://${dataDir}`, NATS_URL: TEST_NATS_URL, TASKER_SUBJECT_PREFIX: subjects.prefix, PORT: "0" });
  handle = await startServices(config, [stackProcessorService, executorService, gatewayService, timersService], "embedded-test");
  url = (handle.services[2] as GatewayHandle).url;
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await subjects?.remove();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function tasker(...args: string[]) {
  const io = memoryIo({ TASKER_URL: url });
  return { code: await runCli(args, io), stdout: io.stdout, stderr: io.stderr };
}

describe("Tasker on the embedded database (no PostgreSQL server)", () => {
  it("publishes the examples and runs a nested task to its end", async () => {
    expect((await tasker("publish", "--all", "--dir", REPO_TASKS_FOLDER)).code).toBe(0);
    const ran = await tasker("run", "--task", "nested-calls-test", "--input", '{"depth":3}', "--poll");
    expect(ran.code).toBe(0);
    const result = JSON.parse(ran.stdout);
    expect(result.nestedResult.nestedResult.nestedResult).toMatchObject({ depth: 0 });
  });

  it("wakes a sleeping run: the timers service runs on the embedded database too", async () => {
    const ran = await tasker("run", "--task", "sleepy-reminder", "--input", '{"steps":2,"sleepMs":300}', "--poll");
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ steps: 2, wokeAt: [expect.any(String), expect.any(String)] });
  });

  it("answers /metrics, counting the runs in the embedded database", async () => {
    const samples = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    expect(sampleSum(samples, "tasker_runs", { status: "completed" })).toBe(2);
    expect(sampleSum(samples, "tasker_activations_total")).toBeGreaterThan(0);
  });
});
