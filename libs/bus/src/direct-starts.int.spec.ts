import { type DirectStartReply, type DirectStartRequest, directStartSubject, newId } from "@tasker/contracts";
import { useBusTestBed } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { requestDirectStart, serveDirectStarts } from "./direct-starts.js";

const bed = useBusTestBed();

/** A submission's two events as the gateway offers them. */
function submission(): DirectStartRequest["events"] {
  const taskRunId = newId();
  return [
    { type: "run.submitted", data: { taskRunId, taskName: "echo", taskVersion: "v1", input: {}, idempotencyKey: null } },
    { type: "stack.created", data: { stackRunId: newId(), parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["echo", {}], depth: 0, taskVersion: "v1" } },
  ] as unknown as DirectStartRequest["events"];
}

/** Sends `request` as it is, past `requestDirectStart`'s shaping; the executors' answer. */
async function sendRaw(request: unknown): Promise<DirectStartReply> {
  return (await bed.nc.request(directStartSubject(bed.prefix), JSON.stringify(request), { timeout: 2000 })).json<DirectStartReply>();
}

describe("direct starts over core NATS", () => {
  it("hands a submission to the executor with how long the gateway waits, and declines a request that is not one without starting anything", async () => {
    const started: DirectStartRequest[] = [];
    const server = serveDirectStarts(bed.nc, bed.prefix, async (request) => {
      started.push(request);
      return { declined: "only counted here" };
    });
    try {
      const events = submission();
      expect(await requestDirectStart(bed.nc, bed.prefix, events, 1500)).toEqual({ declined: "only counted here" });
      expect(started).toEqual([{ events, waitMs: 1500 }]);

      expect(await sendRaw({ events: [events[1], events[0]] })).toEqual({ declined: "the request is not a submission" });
      for (const waitMs of ["soon", -1, null]) {
        expect(await sendRaw({ events: submission(), waitMs })).toEqual({ declined: "its waitMs is not a number of milliseconds" });
      }
      expect(started).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
