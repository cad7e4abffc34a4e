import { jetstream } from "@nats-io/jetstream";
import { newId, TaskerError } from "@tasker/contracts";
import { Behaviour, sampleEvent as event, TEST_NATS_URL, useBusTestBed } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { connectNats } from "./connection.js";
import { consumerName } from "./consumer-name.js";

const bed = useBusTestBed();

describe("JetStream transport", () => {
  it("gives a handler only the subjects of its pattern", async () => {
    const behaviour = new Behaviour();
    const publisher = bed.publisher();
    const wanted = event("stack.created", "gapi");
    await publisher.publish(event("stack.created", "tasks"));
    await publisher.publish(event("stack.completed"));
    await publisher.publish(wanted);
    await bed.startWorker(behaviour, { service: "only-mine" });
    await behaviour.until(1);
    // Messages arrive in stream order, so anything it should not have had would have come first.
    expect(behaviour.seen.map((seen) => seen.event)).toEqual([wanted]);
    expect(behaviour.seen[0]!.subject).toBe(`${bed.prefix}.run.${wanted.metadata.correlationId}.stack.created.gapi`);
  });

  it("drops the same event published twice", async () => {
    const publisher = bed.publisher();
    const once = event("stack.completed");
    await publisher.publish(once);
    await publisher.publish(once);
    const stored = await (await bed.jsm()).streams.info(bed.stream, { subjects_filter: `${bed.prefix}.run.${once.metadata.correlationId}.>` });
    expect(stored.state.subjects).toEqual({ [`${bed.prefix}.run.${once.metadata.correlationId}.stack.completed`]: 1 });
  });

  it("redelivers to another instance a message whose handler died before acking", async () => {
    const doomed = new Behaviour();
    doomed.react = () => new Promise(() => undefined);
    const crashing = await connectNats(TEST_NATS_URL, "doomed-instance");
    await bed.startWorker(doomed, { service: "crashy", ackWaitMs: 1000 }, crashing);
    const work = event("stack.created");
    await bed.publisher().publish(work);
    await doomed.until(1);
    await crashing.close(); // the process is gone: no ack, no nak

    const survivor = new Behaviour();
    await bed.startWorker(survivor, { service: "crashy", ackWaitMs: 1000 });
    await survivor.until(1);
    expect(survivor.seen[0]!.event).toEqual(work);
    expect(survivor.seen[0]!.delivery).toBe(2);
  });

  it("retries a failing message, then dead-letters it with its error after N deliveries", async () => {
    const behaviour = new Behaviour();
    behaviour.react = async () => {
      throw new TaskerError("UPSTREAM_DOWN", "the upstream API answered 503", "retryable");
    };
    const letters = bed.deadLetters("poisoned");
    await bed.startWorker(behaviour, { service: "poisoned", maxDeliveries: 3, retryDelayMs: () => 20 });
    const poison = event("stack.created");
    await bed.publisher().publish(poison);
    const letter = await letters.next();
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual([1, 2, 3]);
    expect(letter.error).toMatchObject({ code: "UPSTREAM_DOWN", message: "the upstream API answered 503" });
    expect(letter.deliveries).toBe(3);
    expect(JSON.parse(letter.payload)).toEqual(poison);
  });

  it("dead-letters a terminal error at once", async () => {
    const behaviour = new Behaviour();
    behaviour.react = async () => {
      throw new TaskerError("BAD_ARGUMENTS", "customer is required", "terminal");
    };
    const letters = bed.deadLetters("strict");
    await bed.startWorker(behaviour, { service: "strict", maxDeliveries: 5, retryDelayMs: () => 20 });
    await bed.publisher().publish(event("stack.created"));
    const letter = await letters.next();
    expect(letter.error.code).toBe("BAD_ARGUMENTS");
    expect(behaviour.seen).toHaveLength(1);
  });

  it("dead-letters a message that is not a valid event, naming the field", async () => {
    const behaviour = new Behaviour();
    const letters = bed.deadLetters("picky");
    await bed.startWorker(behaviour, { service: "picky" });
    const broken = event("stack.created");
    (broken.data as { method: unknown }).method = "list";
    await jetstream(bed.nc).publish(`${bed.prefix}.run.${newId()}.stack.created.gapi`, JSON.stringify(broken));
    const letter = await letters.next();
    expect(letter.error).toMatchObject({ code: "INVALID_EVENT", message: expect.stringContaining("data.method") });
    expect(behaviour.seen).toHaveLength(0);
  });

  it("acknowledges unread a message whose event was handled here already, or once the work under way here succeeded, and hands the others to the handler", async () => {
    const behaviour = new Behaviour();
    const [done, todo, succeeding, failing] = [event("stack.created", "gapi"), event("stack.created", "gapi"), event("stack.created", "gapi"), event("stack.created", "gapi")];
    const publisher = bed.publisher();
    for (const published of [done, todo, succeeding, failing]) await publisher.publish(published);
    const underWay = (): { outcome: Promise<boolean>; finish: (succeeded: boolean) => void } => {
      let finish!: (succeeded: boolean) => void;
      return { outcome: new Promise<boolean>((resolve) => (finish = resolve)), finish: (succeeded) => finish(succeeded) };
    };
    const [willSucceed, willFail] = [underWay(), underWay()];
    const outcomes = new Map<string, boolean | Promise<boolean>>([
      [done.metadata.eventId, true],
      [succeeding.metadata.eventId, willSucceed.outcome],
      [failing.metadata.eventId, willFail.outcome],
    ]);
    await bed.startWorker(behaviour, { service: "knows-its-work", handledHere: (eventId) => outcomes.get(eventId) ?? false });
    await behaviour.until(1);
    expect(behaviour.seen.map((seen) => seen.event)).toEqual([todo]);
    willSucceed.finish(true);
    willFail.finish(false); // the work under way here failed: its copy is handled
    await behaviour.until(2);
    const consumer = consumerName("knows-its-work", "run.*.stack.created.gapi");
    const jsm = await bed.jsm();
    await expect.poll(async () => (await jsm.consumers.info(bed.stream, consumer)).num_ack_pending).toBe(0);
    expect(behaviour.seen.map((seen) => seen.event)).toEqual([todo, failing]);
    expect(await jsm.consumers.info(bed.stream, consumer)).toMatchObject({ num_pending: 0, num_redelivered: 0 });
  });
});
