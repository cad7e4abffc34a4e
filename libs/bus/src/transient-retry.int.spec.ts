import { setTimeout as sleep } from "node:timers/promises";
import { patterns } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { consumerName } from "./consumer-name.js";
import { Behaviour, sampleEvent as event, useBusTestBed } from "@tasker/testing";

const bed = useBusTestBed();

const refused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
/** What TypeORM throws when PostgreSQL shuts down under a query. */
const shutDown = () =>
  Object.assign(new Error("terminating connection due to administrator command"), {
    name: "QueryFailedError",
    driverError: Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
  });
const reset = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

describe("a handler failing because the database is unreachable", () => {
  it("is retried in process, its message kept alive and its delivery count unchanged", async () => {
    const behaviour = new Behaviour();
    const failures = [refused(), shutDown(), reset()];
    behaviour.react = async () => {
      const failure = failures.shift();
      if (failure) throw failure;
    };
    // The pauses (250 + 500 + 1000 ms) outlast the ack wait: only the keep-alive holds the message.
    await bed.startWorker(behaviour, { service: "patient", ackWaitMs: 1000 });
    await bed.publisher().publish(event("stack.created"));
    await behaviour.until(4);
    await sleep(1500);
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual([1, 1, 1, 1]);
    const info = await (await bed.jsm()).consumers.info(bed.stream, consumerName("patient", patterns.stackCreated("gapi")));
    expect(info.num_pending + info.num_ack_pending).toBe(0);
  });

  it("is nak'ed once transientRetryMs is spent, and given up on past the delivery limit", async () => {
    const behaviour = new Behaviour();
    behaviour.react = async () => {
      throw refused();
    };
    const givenUp: string[] = [];
    const letters = bed.deadLetters("outage");
    await bed.startWorker(behaviour, {
      service: "outage",
      maxDeliveries: 2,
      transientRetryMs: 300, // an attempt, another after 250 ms, then none: 250 + 500 > 300
      retryDelayMs: () => 20,
      onGiveUp: async (_event, error) => void givenUp.push(error.code),
    });
    await bed.publisher().publish(event("stack.created"));
    const letter = await letters.next();
    expect(behaviour.seen.map((seen) => seen.delivery)).toEqual([1, 1, 2, 2]);
    expect(letter).toMatchObject({ deliveries: 3, error: { code: "DELIVERY_LIMIT" } });
    expect(givenUp).toEqual(["DELIVERY_LIMIT"]);
  });
});
