import type { SandboxLimits } from "./limits.js";
import type { PinnedModule } from "./module-use.js";
import type { CallResult, JournalActivation, LogLine, Outcome } from "./types.js";

/** A published module's latest version, as the workers' catalogs learn it; `name` is its key among every namespace's (`functionKey`). */
export type ModuleVersion = { name: string; version: string; code: string };

/** What a worker is given when it is spawned. */
export type WorkerSetup = { limits: Partial<SandboxLimits>; activity: SharedArrayBuffer; compiled: WebAssembly.Module };

/**
 * Who a new VM runs for, on the pool's side of the boundary: plain data (no callbacks cross it). Its
 * helper modules resolve among those published in `namespace`.
 */
export type VmIdentity = { stackRunId: string; namespace: string; taskName: string; code: string; input: unknown };

/** The pool's messages to a worker. `job` numbers the answer; a `dispose` or `modules` needs none. */
export type ToWorker =
  | { type: "modules"; modules: ModuleVersion[] }
  | ({ type: "start"; job: number; vmId: number; at: number } & VmIdentity)
  | ({ type: "replay"; job: number; vmId: number; journal: JournalActivation[]; pinned: Record<string, PinnedModule> } & VmIdentity)
  | { type: "resume"; job: number; vmId: number; at: number; results: CallResult[] }
  | { type: "dispose"; vmId: number };

/**
 * What one activation (or a replay, whose last activation it reports) produced: the outcome, the log
 * lines of a live activation, the helper modules first loaded in it (name → version), and the VM's
 * footprint and activation count afterwards (0 once it ended).
 */
export type ActivationReport = {
  outcome: Outcome;
  /** How long the activation ran on its worker thread (ms), its wait for the thread not counted; infinite for one that overran. */
  runMs: number;
  logs: LogLine[];
  modules: Record<string, string> | undefined;
  memoryBytes: number;
  activations: number;
};

/** A worker's messages to the pool. `failed` is host misuse or a sandbox fault, never a task's failure. */
export type FromWorker =
  | { type: "ready" }
  | { type: "done"; job: number; report: ActivationReport }
  | { type: "failed"; job: number; code: string; message: string };
