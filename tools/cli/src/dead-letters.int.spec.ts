import { runStreamId, TaskerError, type RecordedEvent } from "@tasker/contracts";
import { EventStore, eventStoreMigrations, openDatabase } from "@tasker/event-store";
import { Behaviour, createTestDatabase, HandRun, sampleEvent, type TestDatabase, TEST_NATS_URL, useBusTestBed } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "./memory-io.js";
import { runCli } from "./run-cli.js";

const bed = useBusTestBed();
let database: TestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = await openDatabase({ url: database.url, migrations: eventStoreMigrations });
});

afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo({ DATABASE_URL: database.url, NATS_URL: TEST_NATS_URL, TASKER_SUBJECT_PREFIX: bed.prefix });
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

interface ListedLetter {
  id: number;
  service: string;
  subject: string;
  deliveries: number;
  error: { code: string; message: string };
  taskRunId: string | null;
}

async function listed(...flags: string[]): Promise<ListedLetter[]> {
  const { code, stdout } = await cli("dlq", "list", "--json", ...flags);
  expect(code).toBe(0);
  return stdout === "" ? [] : stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as ListedLetter);
}

/** A worker of service `billing` that refuses every call terminally until `fixed` is set. */
async function billingWorker(): Promise<{ behaviour: Behaviour; fix(): void }> {
  const behaviour = new Behaviour();
  let fixed = false;
  behaviour.react = async () => {
    if (!fixed) throw new TaskerError("BAD_ARGUMENTS", "customer is required", "terminal");
  };
  await bed.startWorker(behaviour, { service: "billing" });
  return { behaviour, fix: () => (fixed = true) };
}

/** Publishes `event`, and answers once its dead letter is written. */
async function deadLettered(event: RecordedEvent): Promise<void> {
  const letters = bed.deadLetters("billing");
  await bed.publisher().publish(event);
  await letters.next();
}

/** Removes the message the dead letter was written for from the stream, as its max_age would. */
async function dropOriginal(subject: string): Promise<void> {
  const jsm = await bed.jsm();
  const original = await jsm.streams.getMessage(bed.stream, { last_by_subj: subject });
  await jsm.streams.deleteMessage(bed.stream, original!.seq);
}

const taskRunOf = (event: RecordedEvent) => event.metadata.streamId.slice("run:".length);

describe("tasker dlq", () => {
  it("lists a dead letter, and replays it once its cause is fixed: the consumer handles it, and the dead letter is gone", async () => {
    const { behaviour, fix } = await billingWorker();
    const work = sampleEvent("stack.created");
    await deadLettered(work);

    const [letter, ...others] = await listed();
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ service: "billing", deliveries: 1, error: { code: "BAD_ARGUMENTS", message: "customer is required" }, taskRunId: taskRunOf(work) });
    expect(letter!.subject).toBe(`${bed.prefix}.run.${taskRunOf(work)}.stack.created.gapi`);
    const text = await cli("dlq", "list");
    expect(text.stdout).toContain(`billing`);
    expect(text.stdout).toContain(`BAD_ARGUMENTS: customer is required`);
    expect(await listed("--service", "elsewhere")).toEqual([]);

    fix();
    const replay = await cli("dlq", "replay", String(letter!.id));
    expect(replay, replay.stderr).toMatchObject({ code: 0 });
    expect(replay.stdout).toContain(`replayed dead letter ${letter!.id} of billing: republished the original message to ${letter!.subject}`);
    await behaviour.until(2);
    expect(behaviour.seen.map((seen) => [seen.event, seen.delivery])).toEqual([
      [work, 1],
      [work, 1],
    ]);
    expect(await listed()).toEqual([]);
    expect((await cli("dlq", "list")).stderr).toBe("tasker: no dead letters\n");
  });

  it("rebuilds the event from the event store when the stream no longer holds the original message", async () => {
    const store = new EventStore({ dataSource });
    const run = new HandRun(store);
    await run.submit();
    const [callId] = await run.suspend(1, 1, [0]);
    const call = (await store.readStream(runStreamId(run.taskRunId))).find((event) => event.type === "stack.created" && event.data.stackRunId === callId)!;
    const { behaviour, fix } = await billingWorker();
    await deadLettered(call);
    const [letter] = await listed();
    await dropOriginal(letter!.subject);

    fix();
    const replay = await cli("dlq", "replay", String(letter!.id));
    expect(replay, replay.stderr).toMatchObject({ code: 0 });
    expect(replay.stdout).toContain("republished the event from the event store");
    await behaviour.until(2);
    expect(behaviour.seen[1]!.event).toEqual(call);
    expect(await listed()).toEqual([]);
  });

  it("refuses to replay a dead letter that holds only the start of a message the stream no longer holds, and keeps it", async () => {
    await billingWorker();
    // Travels inline (its JSON is ~1 MB), but inside a dead letter it would be twice that: its payload is cut.
    await deadLettered(sampleEvent("stack.created", "gapi", ['"'.repeat(500_000)]));
    const [letter] = await listed();
    await dropOriginal(letter!.subject);
    const replay = await cli("dlq", "replay", String(letter!.id));
    expect(replay.code).toBe(1);
    expect(replay.stderr).toBe(`tasker: dead letter ${letter!.id} holds only the start of its message (it was too large) and the original message is no longer in the stream: it cannot be replayed\n`);
    expect(await listed()).toEqual([letter]);
  });

  it("says on one line that no stream of its prefix is at NATS_URL, naming TASKER_SUBJECT_PREFIX, when no service of that prefix ever started", async () => {
    for (const argv of [["dlq", "list"], ["dlq", "replay", "5"]]) {
      const io = memoryIo({ DATABASE_URL: database.url, NATS_URL: TEST_NATS_URL, TASKER_SUBJECT_PREFIX: `${bed.prefix}_typo` });
      expect(await runCli(argv, io), argv.join(" ")).toBe(1);
      expect(io.stderr).toBe(`tasker: NATS at ${new URL(TEST_NATS_URL).host} (NATS_URL) has no stream ${bed.prefix}_typo_events: no service with TASKER_SUBJECT_PREFIX=${bed.prefix}_typo has started there\n`);
    }
  });

  it("answers an unknown id as not found, and a malformed one as a usage error", async () => {
    const unknown = await cli("dlq", "replay", "999999");
    expect(unknown).toEqual({ code: 1, stdout: "", stderr: "tasker: DEAD_LETTER_NOT_FOUND: there is no dead letter 999999 (tasker dlq list shows them)\n" });
    expect((await cli("dlq", "replay", "first")).code).toBe(2);
  });
});
