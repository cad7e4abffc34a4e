import { z } from "zod";
import { ErrorInfo, JsonValue } from "../json.js";
import { defineEvent } from "./define.js";

const stackRunId = z.uuid();
/** Activations of a stack run are numbered 1, 2, ...: the first start, then one per resume. */
const activation = z.int().positive();

/** An activation ended with the VM idle, waiting on the calls listed by `seq`. */
export const VmSuspended = defineEvent(
  "vm.suspended",
  z.object({
    stackRunId,
    activation,
    /** The activation's recorded time (epoch ms): what `Date.now()` returned in it. Replay reuses it. */
    at: z.int().nonnegative(),
    waitingOn: z.array(z.int().nonnegative()),
  }),
);
export type VmSuspended = z.infer<typeof VmSuspended>;

/** An activation began by delivering a batch of call results to a suspended VM. */
export const VmResumed = defineEvent("vm.resumed", z.object({ stackRunId, activation, at: z.int().nonnegative() }));
export type VmResumed = z.infer<typeof VmResumed>;

/** The settled outcome of one call, as delivered to the VM that made it. */
export const CallResult = z.discriminatedUnion("ok", [
  z.object({ seq: z.int().nonnegative(), stackRunId, ok: z.literal(true), value: JsonValue }),
  z.object({ seq: z.int().nonnegative(), stackRunId, ok: z.literal(false), error: ErrorInfo }),
]);
export type CallResult = z.infer<typeof CallResult>;

/** The rules decided a suspended stack run resumes with this batch, as its next activation. */
export const ResumeRequested = defineEvent(
  "resume.requested",
  z.object({ stackRunId, activation, results: z.array(CallResult).min(1) }),
);
export type ResumeRequested = z.infer<typeof ResumeRequested>;
