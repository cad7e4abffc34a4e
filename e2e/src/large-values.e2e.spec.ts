import pg from "pg";
import { eventually, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Tasker takes 1 MiB of input, arguments and results; NATS carries messages of at most 1 MB. Events
 * too large for the bus travel by reference, batches of results are split, and an outbox or
 * watchdog that cannot handle one event goes on with the others.
 */
const MAX_BODY_BYTES = 1024 * 1024;

let tasker: TaskerSystem;

beforeAll(async () => {
  // What a killed process had taken comes back after the ack wait: short here, 30 s by default.
  tasker = await TaskerSystem.start({ TASKER_ACK_WAIT_MS: "2000", TASKER_LEASE_MS: "2000" });
  await tasker.publish("measure", "module.exports = async (input) => ({ length: input.text.length, head: input.text.slice(0, 3) });");
  await tasker.publish("big-string", "module.exports = async (input) => 'x'.repeat(input.chars);");
  await tasker.publish(
    "gather-big-children",
    `module.exports = async (input, { tools }) => {
       const parts = await Promise.all(Array.from({ length: 4 }, () => tools.tasks.execute("big-string", { chars: 600_000 })));
       return parts.map((part) => part.length);
     };`,
  );
  await tasker.publish(
    "slow-steps",
    `module.exports = async (input, { tools }) => {
       for (let step = 0; step < input.steps; step++) {
         let x = 0; for (let i = 0; i < 300_000; i++) x += Math.sqrt(i);
         await tools.tasks.execute("big-string", { chars: 10 });
       }
       return input.steps;
     };`,
  );
});

afterAll(async () => {
  await tasker?.stop();
});

/** The bytes of a `measure` body around its text. */
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ taskName: "measure", input: { text: "" } }));

/** A `POST /tasks` body of exactly `bytes` bytes: a `measure` run of a long text. */
function bodyOf(bytes: number): string {
  return JSON.stringify({ taskName: "measure", input: { text: "y".repeat(bytes - ENVELOPE_BYTES) } });
}

async function submitRaw(body: string): Promise<{ status: number; taskRunId: string }> {
  const response = await fetch(`${tasker.url}/tasks`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const answer = (await response.json()) as { taskRunId: string };
  return { status: response.status, taskRunId: answer.taskRunId };
}

async function outboxSize(): Promise<number> {
  const client = new pg.Client({ connectionString: tasker.env.databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox")).rows[0]!.n;
  } finally {
    await client.end();
  }
}

describe("values as large as Tasker takes", () => {
  it("runs a submission whose body is exactly TASKER_MAX_BODY_BYTES to completion", async () => {
    const body = bodyOf(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    const { status, taskRunId } = await submitRaw(body);
    expect(status).toBe(202);
    const run = await tasker.result(taskRunId, 30);
    expect(run).toMatchObject({ status: "completed", result: { length: MAX_BODY_BYTES - ENVELOPE_BYTES, head: "yyy" } });
  });

  it("resumes a parent with four children's results of 600 KB each", async () => {
    const run = await tasker.run("gather-big-children", {});
    expect(run).toMatchObject({ status: "completed", result: [600_000, 600_000, 600_000, 600_000] });
  });

  it("answers a wait as soon as a run with a result of 1,048,574 characters ends", async () => {
    const taskRunId = await tasker.submit("big-string", { chars: 1_048_574 - 2 });
    const started = Date.now();
    const run = await tasker.result(taskRunId, 30);
    expect(run.status).toBe("completed");
    expect((run.result as string).length).toBe(1_048_572);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("recovers every run after a SIGKILL mid-run, an oversized submission among them, and leaves nothing unpublished", async () => {
    const slow = await Promise.all(Array.from({ length: 4 }, (_, i) => tasker.submit("slow-steps", { steps: 3 + i })));
    const big = await submitRaw(bodyOf(MAX_BODY_BYTES));
    expect(big.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await tasker.kill("executor", "SIGKILL");
    await tasker.kill("stack-processor", "SIGKILL");
    await Promise.all([tasker.startService("executor"), tasker.startService("stack-processor")]);
    const runs = await Promise.all([...slow, big.taskRunId].map((taskRunId) => tasker.result(taskRunId, 90)));
    expect(runs.map((run) => run.status)).toEqual(runs.map(() => "completed"));
    expect(runs.slice(0, 4).map((run) => run.result)).toEqual([3, 4, 5, 6]);
    await eventually(async () => (await outboxSize()) === 0, "every event was published");
  });
});
