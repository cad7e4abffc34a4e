/** Every `code` the sandbox itself produces, in outcomes, in call rejections seen by tasks, or in thrown host errors. */
export const ErrorCodes = {
  /** The task threw (or rejected) with an error that carries no string `code` of its own. */
  taskError: "TASK_ERROR",
  memoryLimit: "MEMORY_LIMIT",
  /**
   * Nested too deeply: QuickJS's stack overflowed, the host's own stack overflowed while QuickJS ran
   * (fatal), or the task's result or a call's arguments nest deeper than `MAX_JSON_DEPTH`.
   */
  stackLimit: "STACK_LIMIT",
  /** The activation used more CPU time than `cpuMsPerActivation` (fatal). */
  cpuTimeLimit: "CPU_TIME_LIMIT",
  /** The activation ran longer than `wallMsPerActivation` of wall-clock time (fatal). */
  wallTimeLimit: "WALL_TIME_LIMIT",
  /** Compiling the task's code or a helper module overran the activation's time limits (its worker was stopped). */
  compileTimeLimit: "COMPILE_TIME_LIMIT",
  /** A call's arguments exceed `argsBytes`, or with the activation's earlier calls `argsBytesPerActivation`. */
  argsTooLarge: "ARGS_TOO_LARGE",
  resultTooLarge: "RESULT_TOO_LARGE",
  callLimit: "CALL_LIMIT",
  /** Not a failure: the text of the `warn` line saying that log lines over a bound of `SandboxLimits` were dropped. */
  logLimit: "LOG_LIMIT",
  /**
   * A tool argument is not a JSON value (function, symbol, BigInt, Map, Set, a cycle, a throwing
   * getter...), or a call names an invalid service or method path.
   */
  invalidArgument: "INVALID_ARGUMENT",
  /** The task's return value is not a JSON value. */
  resultNotSerializable: "RESULT_NOT_SERIALIZABLE",
  /** The task's error has a `message` or `code` longer than the bounds of `@tasker/contracts`. */
  errorTooLarge: "ERROR_TOO_LARGE",
  /** The task's code does not export a function in any of the supported forms. */
  invalidTask: "INVALID_TASK",
  /** The code failed to compile. */
  syntaxError: "SYNTAX_ERROR",
  moduleNotFound: "MODULE_NOT_FOUND",
  /** A helper module threw while it was being evaluated. */
  moduleInitFailed: "MODULE_INIT_FAILED",
  /** The task awaits something that can never settle: it is not done and no call is pending. */
  neverSettles: "NEVER_SETTLES",
  /** Replay: the code made a call that differs from the journal's at the same seq. */
  nonDeterminism: "NON_DETERMINISM",
  /** The task used an API that would make replay non-deterministic (timers, WeakRef, FinalizationRegistry). */
  nonDeterministicApi: "NON_DETERMINISTIC_API",
  /** Host misuse: invalid limits. */
  invalidLimits: "INVALID_LIMITS",
  /** Host misuse: an empty journal, or a first activation with results. */
  invalidJournal: "INVALID_JOURNAL",
  /** Host misuse: a result for a seq the VM is not waiting on. */
  unknownCall: "UNKNOWN_CALL",
  /** Host misuse: the VM was disposed, or already finished. */
  vmNotRunnable: "VM_NOT_RUNNABLE",
  /** Internal: a prepared VM called the host before it was bound to a run. */
  vmNotBound: "VM_NOT_BOUND",
  /** A resume for a VM whose worker was replaced (another activation overran there): replay it. */
  vmLost: "VM_LOST",
  /** A sandbox worker thread stopped under an activation for a reason of its own. */
  workerExited: "SANDBOX_WORKER_EXITED",
  /** Host misuse: the sandbox was disposed. */
  sandboxDisposed: "SANDBOX_DISPOSED",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
