import type { TaskerEvent } from "@tasker/contracts";
import {
  activationConditions,
  admitCalls,
  cancelOrphans,
  type Caller,
  type Condition,
  combinedConditions,
  decidesNothingMore,
  type Decision,
  foldRun,
  followUps,
  requiredUse,
  type RunState,
  useWarnings,
} from "@tasker/run-model";
import { activationEvents, type ActivationRecord } from "./activation-events.js";

/** The run limits an activation's calls are admitted against (from the configuration). */
export interface CallLimits {
  maxDepth: number;
  maxPendingCalls: number;
  maxStackRuns: number;
  /** The longest `sleep` or `timeoutMs` a call may ask for (`TASKER_MAX_TIMER_MS`). */
  maxTimerMs: number;
  /** Whether secrets a call passes can be sealed (`TASKER_MASTER_KEY` is set). */
  canSealSecrets: boolean;
  /** `TASKER_ENFORCE_USES`: a call needing an undeclared `@uses` is refused rather than warned about. */
  enforceUses: boolean;
}

/**
 * An activation as the sandbox ended it, with what recording it needs to know: the calls still waiting
 * from earlier activations instead of those after it, which admission decides.
 */
export type Activation = Omit<ActivationRecord, "pending" | "refused"> & {
  /** Calls made in earlier activations still waiting for their results. */
  waitingBefore: ReadonlySet<number>;
  /** The task running, with its version's `@uses`. */
  caller: Caller;
  /** What the stack run's earlier calls needed declaring (warned about already when undeclared). */
  usesSeen: ReadonlySet<string>;
};

/** One append that records an activation: its events and its follow-ups', under their conditions. */
export interface ActivationAppend {
  /** The activation's events, the cancels of the calls it left behind, then its follow-ups' events. */
  events: TaskerEvent[];
  expected: Condition[];
  /** Calls waiting after this activation (the VM's, for the next resume). */
  pending: Set<number>;
  /** The stack runs the append settles besides its own: its calls refused at once, and those it cancels. */
  settledCalls: ReadonlySet<string>;
  /** The follow-up decisions the append carries (none when `take` takes none). */
  followUps: readonly Decision[];
  /** Whether, appended on the state it was planned on, it leaves the rules nothing to decide (`decidesNothingMore`): see `markDecided`. */
  decidedAll: boolean;
  /** `usesSeen` with what this activation's calls needed. */
  usesSeen: Set<string>;
}

/**
 * How to record `activation` on the run's `state` (a prefix of its stream that holds the activation's
 * cause): its events (the calls it made, each admitted or refused by the run-model's `admitCalls`;
 * with `TASKER_ENFORCE_USES` off, a `warn` log line for each undeclared use not seen before),
 * under the run-model's `activationConditions` (`stackRunsLeft`: what the run has left of
 * `TASKER_MAX_STACK_RUNS`, when known); when the task ended (completed or failed), the run-model's
 * `cancelOrphans` of the calls it left pending, in the same append; and the `followUps` the rules
 * would decide on these events (among them the cancels of the calls of tasks it cancelled, a level
 * down), those `take` accepts. Pure but for `take`.
 */
export function activationAppend(
  activation: Activation,
  limits: CallLimits,
  state: RunState,
  stackRunsLeft = Number.POSITIVE_INFINITY,
  take: (decision: Decision) => boolean = () => true,
): ActivationAppend {
  const { stackRunId, outcome } = activation;
  const { calls } = outcome;
  const refused = admitCalls(calls, {
    depth: activation.depth,
    maxDepth: limits.maxDepth,
    taskVersionOf: (name) => activation.taskVersions.get(name) ?? null,
    pendingBefore: activation.waitingBefore.size,
    maxPendingCalls: limits.maxPendingCalls,
    stackRunsLeft,
    maxStackRuns: limits.maxStackRuns,
    maxTimerMs: limits.maxTimerMs,
    canSealSecrets: limits.canSealSecrets,
    caller: activation.caller,
    enforceUses: limits.enforceUses,
  });
  const admitted = calls.filter((call) => !refused.has(call.seq));
  const warnings = limits.enforceUses ? [] : useWarnings(admitted, activation.caller, activation.usesSeen);
  const logs = [...activation.logs, ...warnings.map(({ message }) => ({ level: "warn" as const, message, at: activation.at, stackRunId }))];
  const usesSeen = new Set([...activation.usesSeen, ...calls.flatMap((call) => requiredUse(call) ?? [])]);
  const pending = new Set([...activation.waitingBefore, ...calls.map((call) => call.seq)]);
  const recorded = activationEvents({ ...activation, logs, pending, refused });
  const cancels = outcome.kind === "suspended" ? null : cancelOrphans(foldRun(recorded, state), stackRunId, activation.at);
  const events = [...recorded, ...(cancels?.events ?? [])];
  const settledCalls = new Set(events.flatMap((event) => (event.type === "stack.failed" && event.data.stackRunId !== stackRunId ? [event.data.stackRunId] : [])));
  const refusedCalls = recorded.flatMap((event) => (event.type === "stack.failed" && event.data.stackRunId !== stackRunId ? [event.data.stackRunId] : []));
  const own = activationConditions(stackRunId, activation.activation, refusedCalls, calls.length - refused.size, limits.maxStackRuns);
  const decisions = followUps(state, events, activation.at).filter(take);
  const appended = [...events, ...decisions.flatMap((decision) => decision.events)];
  return {
    events: appended,
    expected: combinedConditions(own, cancels ? [cancels, ...decisions] : decisions),
    pending,
    settledCalls,
    followUps: decisions,
    decidedAll: decidesNothingMore(state, appended, activation.at),
    usesSeen,
  };
}

/**
 * The append of `plan` (an activation that suspended, planned with no follow-ups) together with
 * `starts`: the first activations of nested tasks it called, run before the append, each recorded
 * with its start (`Activation.started`) and its outcome (completed or failed, no calls), after the
 * parent's events and on the run as those leave it, each under its own stack run's guard (so another
 * writer that started one first makes the whole append fail); then the follow-ups the rules decide on
 * all of it (the parent's resume with its children's results), those `take` accepts. One append
 * instead of one for the parent and one per child. `at`: the time of the follow-ups (epoch ms).
 * Pure but for `take`.
 */
export function withNestedStarts(
  plan: ActivationAppend,
  starts: readonly Activation[],
  limits: CallLimits,
  state: RunState,
  at: number,
  take: (decision: Decision) => boolean = () => true,
): ActivationAppend {
  const events = [...plan.events];
  const own = [...plan.expected];
  const seen = new Set(own.map((condition) => JSON.stringify(condition)));
  let after = foldRun(plan.events, state);
  for (const start of starts) {
    if (start.outcome.kind === "suspended" || start.outcome.calls.length > 0) throw new Error(`nested start ${start.stackRunId}: only an activation that ended without calls is recorded with its parent's`);
    const child = activationAppend(start, limits, after, Number.POSITIVE_INFINITY, () => false);
    events.push(...child.events);
    for (const condition of child.expected) {
      const key = JSON.stringify(condition);
      if (!seen.has(key)) own.push(condition);
      seen.add(key);
    }
    after = foldRun(child.events, after);
  }
  const decisions = followUps(state, events, at).filter(take);
  const appended = [...events, ...decisions.flatMap((decision) => decision.events)];
  return {
    events: appended,
    expected: combinedConditions(own, decisions),
    pending: plan.pending,
    settledCalls: new Set([...plan.settledCalls, ...starts.map((start) => start.stackRunId)]),
    followUps: decisions,
    decidedAll: decidesNothingMore(state, appended, at),
    usesSeen: plan.usesSeen,
  };
}
