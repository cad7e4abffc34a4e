import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskerSystem } from "@tasker/testing";

/** The values of the two keys: no other text contains them. */
const DECLARED = `s3cret-${randomBytes(12).toString("hex")}`;
const OTHER = `s3cret-${randomBytes(12).toString("hex")}`;

/** Calls OpenAI without declaring it; no openai-proxy runs: admission alone decides. */
const CALLS_OPENAI = `/** Lists the models, undeclared. */
module.exports = async (input, { tools }) => {
  try {
    await tools.openai.models.list();
    return { listed: true };
  } catch (error) {
    return { code: error.code, message: error.message };
  }
};`;

/** Declares one secret of the keystore and reads another too. */
const READS_KEYS = `/**
 * Reads its declared key, then one it did not declare.
 * @uses keystore:declared-key
 */
module.exports = async (input, { tools }) => {
  const declared = await tools.keystore.get("declared-key");
  let undeclared;
  try {
    undeclared = { value: await tools.keystore.get("other-key") };
  } catch (error) {
    undeclared = { code: error.code, message: error.message };
  }
  return { declaredMatches: declared === input.expected, undeclared };
};`;

/** Reads a key it does not declare, twice: one warning. */
const READS_UNDECLARED = `module.exports = async (input, { tools }) => {
  const first = await tools.keystore.get("other-key");
  const second = await tools.keystore.get("other-key");
  return { read: first === input.expected && second === first };
};`;

async function startWithKeys(enforce: string): Promise<TaskerSystem> {
  const tasker = await TaskerSystem.start({ TASKER_ENFORCE_USES: enforce, TASKER_MASTER_KEY: randomBytes(32).toString("base64") });
  for (const [name, value] of [["declared-key", DECLARED], ["other-key", OTHER]]) {
    const { status } = await tasker.request("PUT", `/keys/${name}`, { value });
    expect(status).toBe(204);
  }
  return tasker;
}

describe("@uses with TASKER_ENFORCE_USES=true", () => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await startWithKeys("true");
    await tasker.publish("calls-openai", CALLS_OPENAI);
    await tasker.publish("reads-keys", READS_KEYS);
  }, 60_000);

  afterAll(async () => {
    await tasker?.stop();
  });

  it("refuses a call of a service the task does not declare with PERMISSION_DENIED, which the task may catch", async () => {
    const run = await tasker.run("calls-openai", {});
    expect(run.status).toBe("completed");
    expect(run.result).toEqual({
      code: "PERMISSION_DENIED",
      message: 'task "calls-openai" may not use openai: its JSDoc does not declare it; add the line "@uses openai" (TASKER_ENFORCE_USES is on)',
    });
  });

  it("gives a task the keys it declares, and refuses the others without their value", async () => {
    const run = await tasker.run("reads-keys", { expected: DECLARED });
    expect(run.result).toEqual({
      declaredMatches: true,
      undeclared: { code: "PERMISSION_DENIED", message: expect.stringContaining('add the line "@uses keystore:other-key"') },
    });
    const events = await tasker.events(`run:${run.taskRunId}`);
    expect(JSON.stringify([run, events])).not.toContain(OTHER);
    // Refused at admission: the keystore was never asked.
    const keystoreCalls = new Set(events.flatMap((event) => (event.type === "stack.created" && event.data.service === "keystore" ? [event.data.stackRunId] : [])));
    const answered = events.filter((event) => event.type === "stack.completed" && keystoreCalls.has(event.data.stackRunId));
    expect([keystoreCalls.size, answered.length]).toEqual([2, 1]);
  });

  it("shows what each task declares in GET /task-functions", async () => {
    const { body } = await tasker.request<{ name: string; uses: string[] }[]>("GET", "/task-functions");
    expect(body.map(({ name, uses }) => ({ name, uses }))).toEqual([
      { name: "calls-openai", uses: [] },
      { name: "reads-keys", uses: ["keystore:declared-key"] },
    ]);
  });

  it("refuses to publish a malformed @uses, naming the field and the entry", async () => {
    const { status, body } = await tasker.request<{ error: { code: string; field: string; message: string } }>("POST", "/task-functions", {
      name: "bad-uses",
      code: "/** @uses openia */\nmodule.exports = async () => 1;",
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", field: "uses", message: expect.stringContaining('"openia"') });
  });

  it("honours @uses in a JSDoc block that follows a licence header", async () => {
    await tasker.publish("licensed", `/** Copyright 2026 ACME. MIT licence. */\n${READS_KEYS}`);
    const run = await tasker.run("licensed", { expected: DECLARED });
    expect(run.result).toMatchObject({ declaredMatches: true, undeclared: { code: "PERMISSION_DENIED" } });
  });
});

describe("@uses with enforcement off", () => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await startWithKeys("false");
    await tasker.publish("reads-undeclared", READS_UNDECLARED);
  }, 60_000);

  afterAll(async () => {
    await tasker?.stop();
  });

  it("reads an undeclared key, with one warning in the run's logs saying what to declare", async () => {
    const run = await tasker.run("reads-undeclared", { expected: OTHER });
    expect(run.result).toEqual({ read: true });
    expect(run.logs.map((line) => [line.level, line.message])).toEqual([
      [
        "warn",
        'task "reads-undeclared" uses keystore secret "other-key" without declaring it: with TASKER_ENFORCE_USES=true this call fails with PERMISSION_DENIED; add the line "@uses keystore:other-key" to its JSDoc',
      ],
    ]);
  });
});
