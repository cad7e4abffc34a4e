export { type Decision, type Guard, resumeGuard, RUN_GUARD, stackGuard } from "./decision.js";
export { CANCELLED, decideCancel } from "./decisions/decide-cancel.js";
export { decideResume } from "./decisions/decide-resume.js";
export { decideRunEnd } from "./decisions/decide-run-end.js";
export { evolve, foldRun } from "./evolve.js";
export {
  initialRunState,
  isSettled,
  type Outcome,
  type RunState,
  type RunStatus,
  type StackRunState,
  type StackRunStatus,
} from "./run-state.js";
export { RunStates, type StreamReader } from "./run-states.js";
export { decideAll, decideWake, type Wake, whatWakes } from "./wakes.js";
