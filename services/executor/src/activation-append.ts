import type { TaskerEvent } from "@tasker/contracts";
import { activationConditions, admitCalls, type Condition, combinedConditions, type Decision, followUps, type RunState } from "@tasker/run-model";
import { activationEvents, type ActivationRecord } from "./activation-events.js";

/** The run limits an activation's calls are admitted against (from the configuration). */
export interface CallLimits {
  maxDepth: number;
  maxPendingCalls: number;
  maxStackRuns: number;
}

/**
 * An activation as the sandbox ended it, with what recording it needs to know: the calls still waiting
 * from earlier activations instead of those after it, which admission decides.
 */
export type Activation = Omit<ActivationRecord, "pending" | "refused"> & {
  /** Calls made in earlier activations still waiting for their results. */
  waitingBefore: ReadonlySet<number>;
};

/** One append that records an activation: its events and its follow-ups', under their conditions. */
export interface ActivationAppend {
  /** The activation's events, then those of its follow-ups. */
  events: TaskerEvent[];
  expected: Condition[];
  /** Calls waiting after this activation (the VM's, for the next resume). */
  pending: Set<number>;
  /** The follow-up decisions the append carries (none when recorded alone). */
  followUps: readonly Decision[];
}

/**
 * How to record `activation`: its events (the calls it made, each admitted or refused by the
 * run-model's `admitCalls`), under the run-model's `activationConditions` (`stackRunsLeft`: what the
 * run has left of `TASKER_MAX_STACK_RUNS`, when known). Given the run's state (a prefix of its stream), the append also carries the `followUps` the
 * rules would decide on these events, those `take` accepts. Pure but for `take`.
 */
export function activationAppend(
  activation: Activation,
  limits: CallLimits,
  state: RunState | undefined,
  stackRunsLeft = Number.POSITIVE_INFINITY,
  take: (decision: Decision) => boolean = () => true,
): ActivationAppend {
  const { stackRunId, outcome } = activation;
  const calls = outcome.kind === "suspended" ? outcome.calls : [];
  const refused = admitCalls(calls, {
    depth: activation.depth,
    maxDepth: limits.maxDepth,
    taskVersionOf: (name) => activation.taskVersions.get(name) ?? null,
    pendingBefore: activation.waitingBefore.size,
    maxPendingCalls: limits.maxPendingCalls,
    stackRunsLeft,
    maxStackRuns: limits.maxStackRuns,
  });
  const pending = new Set([...activation.waitingBefore, ...calls.map((call) => call.seq)]);
  const events = activationEvents({ ...activation, pending, refused });
  const refusedCalls = events.flatMap((event) => (event.type === "stack.failed" && event.data.stackRunId !== stackRunId ? [event.data.stackRunId] : []));
  const own = activationConditions(stackRunId, activation.activation, refusedCalls, calls.length - refused.size, limits.maxStackRuns);
  const decisions = state ? followUps(state, events).filter(take) : [];
  return { events: [...events, ...decisions.flatMap((decision) => decision.events)], expected: combinedConditions(own, decisions), pending, followUps: decisions };
}
