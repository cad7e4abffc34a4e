export {
  type Condition,
  type Count,
  type Decision,
  type Guard,
  resumeGuard,
  RUN_GUARD,
  RUN_OPEN,
  STACK_RUNS_COUNTER,
  stackGuard,
} from "./decision.js";
export { activationConditions } from "./decisions/activation-conditions.js";
export { type AdmissionContext, admitCalls, KNOWN_SERVICES, type ProposedCall } from "./decisions/admit-calls.js";
export { callDueAt } from "./decisions/call-due.js";
export { cancelOrphans } from "./decisions/cancel-orphans.js";
export { type Claim, type Claimant, decideClaim } from "./decisions/decide-claim.js";
export { decideRetry } from "./decisions/decide-retry.js";
export { decideSignals } from "./decisions/decide-signals.js";
export { decideTimer, TIMEOUT, type TimerAnswer } from "./decisions/decide-timer.js";
export { settleCall } from "./decisions/settle-call.js";
export { CANCELLED, decideCancel } from "./decisions/decide-cancel.js";
export { decideResume, MAX_RESUME_BATCH_CHARS } from "./decisions/decide-resume.js";
export { decideRunEnd } from "./decisions/decide-run-end.js";
export { decideStart, type Start } from "./decisions/decide-start.js";
export { ABANDONED_PREFIX, settleAbandoned, type Work } from "./decisions/settle-abandoned.js";
export { type Caller, DECLARED_SERVICES, isDeclared, requiredUse, UNDECLARED_SERVICES, useEntryProblem, useRefusal, useWarnings } from "./decisions/uses.js";
export { evolve, foldRun } from "./evolve.js";
export { loggedNothing } from "./silence.js";
export { combinedConditions, decidesNothingMore, followUps, markDecided } from "./follow-ups.js";
export {
  activationsRecorded,
  canRecordActivation,
  type ChildResult,
  initialRunState,
  isOver,
  isSettled,
  type Outcome,
  type RunState,
  type SignalQueue,
  stackGuardVersion,
  type RunStatus,
  type StackRunState,
  type StackRunStatus,
} from "./run-state.js";
export { RunStates, type StreamReader } from "./run-states.js";
export { passesSecret, returnsSecret } from "./secret-calls.js";
export { awaitsDecision, decideAll, decideWake, decideWakes, type Wake, whatWakes } from "./wakes.js";
export { runTree } from "./run-tree.js";
export { type StackRunHistory, stackRunHistory, toSandboxResult } from "./stack-run-history.js";
