import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./eventually.js";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "./isolated-environment.js";

/** The built kit, as a benchmark or a test outside this workspace imports it. */
const BUILT_KIT = fileURLToPath(new URL("../dist/service-process.js", import.meta.url));

/** Whether process `pid` runs (a zombie, killed and not yet reaped by whoever adopted it, does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

describe("startServiceProcess", () => {
  let env: IsolatedEnvironment;
  beforeAll(async () => {
    env = await createIsolatedEnvironment();
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it("ends the services it started when the process that started them dies of an error", async () => {
    const settings = { DATABASE_URL: env.databaseUrl, NATS_URL: env.natsUrl, TASKER_SUBJECT_PREFIX: env.prefix, HOST: "127.0.0.1", PORT: "0" };
    const script = `const { startServiceProcess } = await import(${JSON.stringify(BUILT_KIT)});
      const service = await startServiceProcess(["timers"], ${JSON.stringify(settings)});
      console.log(service.pid);
      throw new Error("the benchmark failed");`;
    const crashed = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 50_000 });
    expect(crashed.stderr).toContain("the benchmark failed");
    const pid = Number(crashed.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    await eventually(() => !running(pid), `the timers service (pid ${pid}) was gone`, 10_000);
  });
});
