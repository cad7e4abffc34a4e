import { createHash } from "node:crypto";
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { ActivationGuard } from "./activation-guard.js";
import { Activity, type ActivityMarker } from "./activity.js";
import { ActivationLog } from "./activation-log.js";
import { CallLedger } from "./call-ledger.js";
import { ErrorCodes } from "./error-codes.js";
import { hostStackOverflowError, isHostStackOverflow } from "./host-trap.js";
import type { SandboxLimits } from "./limits.js";
import { ModuleRegistry } from "./module-registry.js";
import type { ModulePool } from "./module-pool.js";
import { SandboxFailure, sandboxError } from "./sandbox-failure.js";
import { settledOutcome } from "./task-settlement.js";
import type { ActivationBatch, Ending, LogLine, Outcome, SandboxError, TaskSource } from "./types.js";
import { recordOfDump, toSandboxError, type VmErrorRecord } from "./vm-error.js";
import type { PreparedVm } from "./vm-setup.js";
import type { WasmModuleHost } from "./wasm-module-host.js";

const JOBS_PER_SLICE = 256;

/**
 * The live VM of one stack run. `resume` delivers a batch of completed calls (resolving or rejecting
 * their promises in the VM) and runs until the VM is idle. A VM whose task completed or failed is
 * disposed by the sandbox itself; `dispose` is idempotent and must be called for a suspended VM that
 * is evicted.
 */
export interface TaskVm {
  resume(batch: ActivationBatch): Outcome;
  /**
   * The bytes this VM holds as of its last activation: the larger of QuickJS's heap figure and the
   * module growth it caused (see `ActivationGuard`); 0 once disposed.
   */
  readonly memoryBytes: number;
  /** Activations run so far, replayed ones included. */
  readonly activations: number;
  dispose(): void;
}

/**
 * Who the VM runs for. `taskName` is the module name the task's own imports resolve from; `onLog`
 * receives `console.*` and `tools.log` lines of live activations (storable, at most
 * `MAX_LOG_LINE_CHARS` each, within the log bounds of `SandboxLimits` per activation and per run, then
 * one `warn` line with `LOG_LIMIT` counting those dropped) and must not throw (its error would surface
 * inside the task).
 */
export type TaskVmOptions = { stackRunId: string; taskName: string; source: TaskSource; onLog(line: LogLine): void };

/** A prepared VM bound to one stack run: its activations, its calls and its outcome. */
export class TaskVmImpl implements TaskVm {
  activations = 0;
  /** Numbers and tracks the calls; its `observer` is set while the VM replays its journal. */
  readonly calls: CallLedger;
  private readonly parts: PreparedVm;
  private readonly host: WasmModuleHost;
  private readonly guard: ActivationGuard;
  private readonly log: ActivationLog;
  private at = 0;
  private settled: Ending | undefined;
  private uncaught: VmErrorRecord | undefined;
  private disposed = false;
  /**
   * An exception unwound QuickJS mid-way (its module's state is unknown), or the VM went over its
   * memory budget: the runtime is not freed, and its module is retired.
   */
  private trapped = false;
  /** A module is being compiled: the next interrupt check means task code runs again. */
  private compiling = false;

  /** Takes ownership of `prepared` and binds it to this run. */
  constructor(
    private readonly pool: ModulePool,
    prepared: PreparedVm,
    private readonly limits: SandboxLimits,
    private readonly options: TaskVmOptions,
    private readonly activity: ActivityMarker,
  ) {
    this.parts = prepared;
    this.host = prepared.host;
    this.guard = new ActivationGuard(prepared.runtime, prepared.host, limits);
    this.calls = new CallLedger(limits, (error) => this.failFatally(error));
    this.log = new ActivationLog(limits, options.stackRunId, options.onLog);
    prepared.binding.bind({
      registry: new ModuleRegistry(options.source, options.taskName),
      call: (service, method, args) => this.onCall(service, method, args),
      log: (level, message, cutShort) => this.onLog(level, message, cutShort),
      finish: (ok, json) => this.onFinish(ok, json),
      hostStackOverflow: (error) => this.onHostStackOverflow(error),
      compiling: (active) => this.onCompiling(active),
      shouldInterrupt: () => this.onInterruptCheck(),
    });
    const { context } = prepared;
    this.invoke(prepared.control.configure, [context.newNumber(seedOf(options.stackRunId)), context.newString(options.taskName)]);
  }

  get memoryBytes(): number {
    return this.disposed ? 0 : this.guard.footprintBytes;
  }

  /**
   * The first activation: loads the task and calls its function with `input`. `measureHeap`: false
   * for a replay's step before its last (see `ActivationGuard.end`).
   */
  start(at: number, input: unknown, measureHeap = true): Outcome {
    const inputJson = input === undefined ? undefined : JSON.stringify(input);
    return this.activate(at, () => (inputJson === undefined ? [] : [this.parts.context.newString(inputJson)]), this.parts.control.run, measureHeap);
  }

  resume(batch: ActivationBatch, measureHeap = true): Outcome {
    this.assertRunnable();
    const json = this.calls.settle(batch.results);
    return this.activate(batch.at, () => [this.parts.context.newString(json)], this.parts.control.deliver, measureHeap);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.trapped) return this.pool.abandon(this.host);
    try {
      this.parts.scope.dispose();
      this.pool.release(this.host, true);
    } catch {
      // QuickJS aborts when a runtime still holds objects: after an out-of-memory (upstream
      // quickjs-emscripten #257) or heavy allocation inside promise jobs (#235, #269). The module
      // is no longer trusted: it takes no new VMs and is dropped, with that runtime, once empty.
      this.pool.release(this.host, false);
    }
  }

  private activate(at: number, args: () => QuickJSHandle[], entry: QuickJSHandle, measureHeap: boolean): Outcome {
    this.assertRunnable();
    this.activations += 1;
    this.at = at;
    this.calls.beginActivation();
    this.log.begin();
    this.guard.begin();
    this.host.running = this.guard;
    this.activity.set(Activity.running);
    try {
      this.invoke(this.parts.control.setNow, [this.parts.context.newNumber(at)]);
      if (this.uncaught === undefined) this.invoke(entry, args());
      if (this.uncaught === undefined) this.drainJobs();
    } catch (error) {
      this.onHostException(error);
    } finally {
      this.host.running = undefined;
      this.compiling = false;
      this.activity.set(Activity.idle);
    }
    this.guard.end(measureHeap);
    this.log.end(at, this.droppedInVm(), this.live);
    const outcome = this.decide();
    // Memory a VM over its budget held is not handed back to its module, where the VMs left on it
    // could take it without growing the module (the growth is what counts rope strings): the module
    // is retired and returns that memory, whole, when dropped.
    if (outcome.kind === "failed" && outcome.error.code === ErrorCodes.memoryLimit) this.trapped = true;
    if (outcome.kind !== "suspended") this.dispose();
    return outcome;
  }

  private invoke(fn: QuickJSHandle, args: QuickJSHandle[]): void {
    const { context } = this.parts;
    const result = context.callFunction(fn, context.undefined, ...args);
    for (const arg of args) arg.dispose();
    if (result.error !== undefined) this.uncaught = result.error.consume((error) => recordOfDump(context.dump(error)));
    else result.value.dispose();
  }

  /**
   * Runs jobs until none is left, in slices: an async function turns even an interrupt into a
   * rejection, so a task could otherwise loop through promise jobs forever after a fatal limit.
   */
  private drainJobs(): void {
    for (;;) {
      const result = this.parts.runtime.executePendingJobs(JOBS_PER_SLICE);
      if (result.error !== undefined) {
        const error = result.error;
        this.uncaught = recordOfDump(error.context.dump(error));
        error.dispose();
        return;
      }
      if (result.value === 0 || this.guard.shouldInterrupt()) return;
    }
  }

  /** The activation's outcome, with the calls made in it whatever the outcome (see `Outcome`). */
  private decide(): Outcome {
    const calls = this.calls.activationCalls;
    const ending = this.ending();
    return ending === undefined ? { kind: "suspended", calls } : { ...ending, calls };
  }

  /** How the task ended, if it did: a fatal limit, its settlement, an uncaught error, or a wait on nothing. */
  private ending(): Ending | undefined {
    if (this.guard.fatal !== undefined) return { kind: "failed", error: this.guard.fatal };
    if (this.settled !== undefined) return this.settled;
    if (this.uncaught !== undefined) return { kind: "failed", error: toSandboxError(this.uncaught) };
    if (this.calls.waitingOn === 0) {
      const message = "the task awaits something that can never settle: it has not finished and no tool call is pending";
      return { kind: "failed", error: sandboxError(ErrorCodes.neverSettles, message, "NeverSettlesError") };
    }
    return undefined;
  }

  private onCompiling(active: boolean): void {
    this.compiling = active;
    this.activity.set(active ? Activity.compiling : Activity.running);
  }

  /** QuickJS checks for an interrupt between bytecodes, never inside its compiler: a compile has ended. */
  private onInterruptCheck(): boolean {
    if (this.compiling) {
      this.compiling = false;
      this.activity.set(Activity.running);
    }
    return this.guard.shouldInterrupt();
  }

  private onCall(serviceJson: string, methodJson: string, argsJson: string): number | SandboxError {
    this.assertNotStopped();
    return this.calls.register(serviceJson, methodJson, argsJson);
  }

  private onLog(level: string, message: string, cutShort: boolean): boolean {
    this.assertNotStopped();
    return this.log.write(level, message, cutShort, this.at, this.live);
  }

  /** Replay emits no log lines (the journal's activations wrote theirs when they ran), but counts them. */
  private get live(): boolean {
    return this.calls.observer === undefined;
  }

  /** Lines the prelude counted without sending them; unknown, so none, when QuickJS was unwound mid-way. */
  private droppedInVm(): number {
    if (this.trapped) return 0;
    const { context, control } = this.parts;
    return context.getProp(control.logState, "dropped").consume((count) => context.getNumber(count));
  }

  /**
   * A VM being stopped makes no more calls and writes no more lines, whatever the task still
   * attempts. The limits are checked here too, not only at QuickJS's interrupt polls (every ten
   * thousand or so operations): time spent in a host callback, such as a blocking `onLog`, passes
   * between those polls.
   */
  private assertNotStopped(): void {
    if (this.guard.shouldInterrupt()) throw new Error(this.guard.fatal?.message ?? "the VM is being stopped");
  }

  private onFinish(ok: boolean, json: string | undefined): void {
    this.settled ??= settledOutcome(ok, json, this.limits.resultBytes);
  }

  /**
   * An exception out of QuickJS: it unwound the module's frames without their cleanup, so the VM is
   * not freed and its module is retired (see `dispose`). The host's stack overflowing is the task's
   * doing and fails the activation with `STACK_LIMIT`; anything else is the sandbox's and is rethrown.
   */
  private onHostException(error: unknown): void {
    this.trapped = true;
    if (!isHostStackOverflow(error)) {
      this.dispose();
      throw error;
    }
    this.failFatally(hostStackOverflowError(error));
  }

  /** Inside a host function: the task would see a catchable error, but the VM is not to be trusted. */
  private onHostStackOverflow(error: RangeError): void {
    this.trapped = true;
    this.failFatally(hostStackOverflowError(error));
  }

  private failFatally(error: SandboxError): void {
    this.guard.fail(error.code, error.name, error.message);
  }

  private assertRunnable(): void {
    if (this.disposed) throw new SandboxFailure(ErrorCodes.vmNotRunnable, "the VM was disposed or its task already finished");
  }
}

/** 32 bits of SHA-256 of the stack run id: the seed of the VM's `Math.random`. */
function seedOf(stackRunId: string): number {
  return createHash("sha256").update(stackRunId).digest().readInt32LE(0);
}
