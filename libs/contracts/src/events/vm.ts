import { z } from "zod";
import { ErrorInfo, JsonValue } from "../json.js";
import { defineEvent } from "./define.js";

const stackRunId = z.uuid();
/** An executor instance; a subject token (the route of the resumes meant for it). */
export const WorkerId = z.string().regex(/^[A-Za-z0-9_-]+$/, "a worker id is letters, digits, '_' and '-'");

/** Activations of a stack run are numbered 1, 2, ...: the first start, then one per resume. */
const activation = z.int().positive();

/**
 * The wall time (ms) of the activation the event ends, from taking its VM (a replay's rebuilding
 * included) to the VM idle, as the executor measured it. Absent in events recorded before it was.
 */
export const ActivationDurationMs = z.number().nonnegative().optional();

/** An activation ended with the VM idle, waiting on the calls listed by `seq`. */
export const VmSuspended = defineEvent(
  "vm.suspended",
  z.object({
    stackRunId,
    activation,
    /** The activation's recorded time (epoch ms): what `Date.now()` returned in it. Replay reuses it. */
    at: z.int().nonnegative(),
    waitingOn: z.array(z.int().nonnegative()),
    /** The executor instance that keeps the suspended VM in memory: resumes go there first. */
    worker: WorkerId,
    /**
     * Helper modules first loaded in this activation, name → version: a replay loads these versions,
     * whatever was published since (the task's own code is pinned the same way, by its version).
     */
    modules: z.record(z.string(), z.string()).optional(),
    durationMs: ActivationDurationMs,
  }),
);
export type VmSuspended = z.infer<typeof VmSuspended>;

/**
 * An activation began by delivering a batch of call results to a suspended VM. `kind`: how the
 * executor got the VM, the one it kept in its cache or one rebuilt by replaying the journal (absent in
 * events recorded before it was said).
 */
export const VmResumed = defineEvent("vm.resumed", z.object({ stackRunId, activation, at: z.int().nonnegative(), kind: z.enum(["cache", "replay"]).optional() }));
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
  z.object({
    stackRunId,
    activation,
    results: z.array(CallResult).min(1),
    /** The instance that suspended it (from its `vm.suspended`): it has the VM, others must replay. */
    worker: WorkerId,
  }),
);
export type ResumeRequested = z.infer<typeof ResumeRequested>;
