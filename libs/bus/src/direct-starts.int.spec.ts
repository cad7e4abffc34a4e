import { type DirectStartRequest, newId } from "@tasker/contracts";
import { useBusTestBed } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { requestDirectStart, serveDirectStarts } from "./direct-starts.js";

const bed = useBusTestBed();

/** A submission's two events as the gateway offers them. */
function submission(waitMs?: unknown): DirectStartRequest {
  const taskRunId = newId();
  const events = [
    { type: "run.submitted", data: { taskRunId, taskName: "echo", taskVersion: "v1", input: {}, idempotencyKey: null } },
    { type: "stack.created", data: { stackRunId: newId(), parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], args: ["echo", {}], depth: 0, taskVersion: "v1" } },
  ];
  return { events, ...(waitMs === undefined ? {} : { waitMs }) } as unknown as DirectStartRequest;
}

describe("direct starts over core NATS", () => {
  it("hands a submission to the executor with the gateway's wait, and declines a request that is not one without starting anything", async () => {
    const started: DirectStartRequest[] = [];
    const server = serveDirectStarts(bed.nc, bed.prefix, async (request) => {
      started.push(request);
      return { declined: "only counted here" };
    });
    try {
      const offered = submission(1500);
      expect(await requestDirectStart(bed.nc, bed.prefix, offered, 2000)).toEqual({ declined: "only counted here" });
      expect(started).toEqual([offered]);

      const notASubmission = { events: [offered.events[1], offered.events[0]] } as unknown as DirectStartRequest;
      expect(await requestDirectStart(bed.nc, bed.prefix, notASubmission, 2000)).toEqual({ declined: "the request is not a submission" });
      for (const waitMs of ["soon", -1, null]) {
        expect(await requestDirectStart(bed.nc, bed.prefix, submission(waitMs), 2000)).toEqual({ declined: "its waitMs is not a number of milliseconds" });
      }
      expect(started).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
