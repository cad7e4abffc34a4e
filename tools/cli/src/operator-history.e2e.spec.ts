import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { eventStreamName } from "@tasker/bus";
import { type RecordedEvent, runHistoryFilter, runStreamId } from "@tasker/contracts";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { eventually, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "./memory-io.js";
import { runCli } from "./run-cli.js";

const ROOT = `module.exports = async (input, { tools }) => {
  const middle = await tools.tasks.execute("middle", { n: input.n });
  const leaf = await tools.tasks.execute("leaf", { n: input.n + 1 });
  return { middle, leaf, at: Date.now() > 0 };
};`;
/** The root's code changed to pass other arguments in its second call (seq 1, made in activation 2, after `middle` returned). */
const ROOT_CALLING_DIFFERENTLY = ROOT.replace(`execute("leaf", { n: input.n + 1 })`, `execute("leaf", { n: input.n + 2 })`);
/** The root's code changed to throw before its first call (the run recorded three activations). */
const ROOT_THROWING_AT_ONCE = `module.exports = async () => { throw new Error("not yet"); };`;
/** The root's code with a syntax error. */
const ROOT_NOT_COMPILING = ROOT.replace("return {", "return {{");
/** The root's code changed to return another result, with the same calls. */
const ROOT_RETURNING_OTHERWISE = ROOT.replace("return { middle, leaf,", "return { middle: middle + 1, leaf,");

let tasker: TaskerSystem;
let taskRunId: string;
let dir: string;

beforeAll(async () => {
  tasker = await TaskerSystem.start();
  await tasker.publish("leaf", `module.exports = async (input) => input.n * 2;`);
  await tasker.publish("middle", `module.exports = async (input, { tools }) => (await tools.tasks.execute("leaf", { n: input.n })) + 1;`);
  await tasker.publish("root", ROOT);
  const run = await tasker.run("root", { n: 5 });
  expect(run, JSON.stringify(run)).toMatchObject({ status: "completed" });
  taskRunId = run.taskRunId;
  dir = await mkdtemp(join(tmpdir(), "tasker-replay-"));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  await tasker?.stop();
});

function cliEnv(): Record<string, string> {
  return { DATABASE_URL: tasker.env.databaseUrl, NATS_URL: tasker.env.natsUrl, TASKER_SUBJECT_PREFIX: tasker.env.prefix };
}

async function storeEvents(id = taskRunId): Promise<RecordedEvent[]> {
  const dataSource = await openDatabase({ url: tasker.env.databaseUrl, migrations: eventStoreMigrations });
  try {
    return await new EventStore({ dataSource }).readStream(runStreamId(id));
  } finally {
    await dataSource.destroy();
  }
}

/** The run's messages as the JetStream stream holds them, read with the NATS client (what `nats stream view` shows). */
async function streamMessages(id = taskRunId): Promise<unknown[]> {
  const nc = await connect({ servers: tasker.env.natsUrl });
  try {
    const consumer = await jetstream(nc).consumers.get(eventStreamName(tasker.env.prefix), {
      filter_subjects: runHistoryFilter(tasker.env.prefix, id),
      deliver_policy: DeliverPolicy.All,
    });
    const messages: unknown[] = [];
    for await (const msg of await consumer.fetch({ max_messages: 1000, expires: 2000 })) {
      messages.push(msg.json());
      if (msg.info.pending === 0) break;
    }
    return messages;
  } finally {
    await nc.close();
  }
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo(cliEnv());
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function jsonLines(text: string): unknown[] {
  return text.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
}

describe("tasker events", () => {
  it("--json prints the run's events as the store records them and as the JetStream stream carries them", async () => {
    const recorded = await storeEvents();
    await eventually(async () => (await streamMessages()).length === recorded.length, "the stream holds every event of the run");
    const fromStore = await cli("events", taskRunId, "--json");
    expect(fromStore.code).toBe(0);
    expect(jsonLines(fromStore.stdout)).toEqual(JSON.parse(JSON.stringify(recorded)));
    expect(jsonLines(fromStore.stdout)).toEqual(await streamMessages());
    const fromBus = await cli("events", taskRunId, "--json", "--from-bus");
    expect(fromBus.code).toBe(0);
    expect(fromBus.stdout).toBe(fromStore.stdout);
  });

  it("--from-bus resolves an event the stream carries by reference (too large for a message) from the store", async () => {
    await tasker.publish("big-string", "module.exports = async (input) => 'x'.repeat(input.chars);");
    const big = await tasker.run("big-string", { chars: 1_040_000 }); // over 1 MB less the 16 KiB margin, under the 1 MiB a result may take
    expect(big.status).toBe("completed");
    const fromStore = await cli("events", big.taskRunId, "--json");
    await eventually(async () => (await streamMessages(big.taskRunId)).length === jsonLines(fromStore.stdout).length, "the stream holds every event of the run");
    const carried = await streamMessages(big.taskRunId);
    expect(carried.some((message) => (message as { data?: unknown }).data === undefined)).toBe(true); // type and metadata only: sent by reference
    const fromBus = await cli("events", big.taskRunId, "--json", "--from-bus");
    expect(fromBus.code).toBe(0);
    expect(fromBus.stdout).toBe(fromStore.stdout);
  });

  it("--follow prints a live run's events as they happen and ends with the run", async () => {
    await tasker.publish("nap", `module.exports = async (input, { tools }) => { await tools.sleep(1500); return "rested"; };`);
    const napping = await tasker.submit("nap", {});
    const followed = await cli("events", napping, "--follow", "--json");
    expect(followed.code).toBe(0);
    const events = jsonLines(followed.stdout) as RecordedEvent[];
    expect(events.at(-1)).toMatchObject({ type: "run.completed", data: { result: "rested" } });
    const recorded = await storeEvents(napping);
    expect(events).toEqual(JSON.parse(JSON.stringify(recorded.slice(0, events.length))));
  });

  it("--follow ends at the run's end, and --all --since lists the run's events among all runs", async () => {
    const followed = await cli("events", taskRunId, "--follow");
    expect(followed.code).toBe(0);
    expect(followed.stdout.trimEnd().split("\n").at(-1)).toMatch(/ run\.completed /);
    const all = await cli("events", "--all", "--since", "2000-01-01T00:00:00Z", "--json");
    const ours = jsonLines(all.stdout).filter((event) => (event as RecordedEvent).metadata.streamId === runStreamId(taskRunId));
    expect(ours).toEqual(JSON.parse(JSON.stringify(await storeEvents())));
    expect((await cli("events", "--all", "--since", "yesterday")).code).toBe(2);
  });
});

describe("tasker replay", () => {
  it("reports every stack run of a finished nested run as reproduced", async () => {
    const replay = await cli("replay", taskRunId);
    expect(replay.stderr).toBe("");
    expect(replay.code).toBe(0);
    const lines = replay.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4); // root, middle, middle's leaf, root's leaf
    for (const line of lines) expect(line).toMatch(/ reproduced \(\d+ activations\)$/);
    expect(lines[0]).toMatch(/ root {2}reproduced \(3 activations\)$/);
  });

  it("against code that calls differently, names the stack run, activation and call seq that differ", async () => {
    const file = join(dir, "root.js");
    await writeFile(file, ROOT_CALLING_DIFFERENTLY);
    const replay = await cli("replay", taskRunId, "--code", file);
    expect(replay.code).toBe(1);
    const [root, ...children] = replay.stdout.trimEnd().split("\n");
    expect(root).toMatch(/ root {2}DIFFERS at activation 2, call seq 1: non-determinism at call seq 1: the journal recorded tasks\.execute with args hash \w+, the code made tasks\.execute with args hash \w+/);
    for (const line of children) expect(line).toMatch(/ reproduced /);
    expect(replay.stderr).toMatch(/1 stack run\(s\) of run .* did not reproduce/);
  });

  it("against code that calls the same but returns another result, names the result recorded and the one now", async () => {
    const file = join(dir, "root-result.js");
    await writeFile(file, ROOT_RETURNING_OTHERWISE);
    const replay = await cli("replay", taskRunId, "--code", file);
    expect(replay.code).toBe(1);
    expect(replay.stdout.split("\n")[0]).toMatch(/ root {2}DIFFERS at activation 3: the recorded run completed with \{"at":true,"leaf":12,"middle":11\}, the code completed with \{"at":true,"leaf":12,"middle":12\}$/);
  });

  it("against code that fails before the activation the run ended in (or does not compile), names the activation it failed in", async () => {
    for (const [name, code, error] of [["root-throws.js", ROOT_THROWING_AT_ONCE, /failed with TASK_ERROR: not yet$/], ["root-syntax.js", ROOT_NOT_COMPILING, /failed with SYNTAX_ERROR: /]] as const) {
      const file = join(dir, name);
      await writeFile(file, code);
      const replay = await cli("replay", taskRunId, "--code", file);
      expect(replay.code).toBe(1);
      const root = replay.stdout.split("\n")[0]!;
      expect(root, name).toMatch(/ root {2}DIFFERS at activation 1: the recorded run completed with /);
      expect(root, name).toMatch(error);
    }
  });

  it("refuses a run that has not ended, and names a run it cannot find", async () => {
    const unknown = await cli("replay", "01a22e91-1bbc-748b-99ce-56b59d83a216");
    expect(unknown).toMatchObject({ code: 1, stderr: "tasker: no run 01a22e91-1bbc-748b-99ce-56b59d83a216 in the event store at DATABASE_URL\n" });
    await tasker.publish("sleeper", `module.exports = async (input, { tools }) => { await tools.sleep(600_000); return "woke"; };`);
    const sleeping = await tasker.submit("sleeper", {});
    await eventually(async () => (await storeEvents(sleeping)).some((event) => event.type === "vm.suspended"), "the sleeper suspended");
    const early = await cli("replay", sleeping);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/run .* has not ended: replay it once it has/);
  });
});
