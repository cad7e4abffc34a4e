import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
import { functionKey } from "@tasker/contracts";
import { SharedActivity } from "./activity.js";
import { taskSource } from "./module-names.js";
import { ModuleUse, type PinnedModule } from "./module-use.js";
import { createSandboxOn } from "./sandbox.js";
import { ErrorCodes } from "./error-codes.js";
import { hasCode, SandboxFailure } from "./sandbox-failure.js";
import type { TaskVm } from "./task-vm.js";
import type { LogLine, Outcome } from "./types.js";
import { releaseBuild } from "./wasm-module-host.js";
import type { ActivationReport, FromWorker, ToWorker, VmIdentity, WorkerSetup } from "./worker-protocol.js";

/**
 * A worker thread of the sandbox pool: it holds many VMs (on a few WASM module instances) and runs
 * one activation at a time, as the pool sends them. The pool terminates it when an activation
 * overruns its deadline, whatever the activation is doing; the VMs held here are lost then, and
 * their runs replay elsewhere.
 */

/** A VM held here, with the log lines of its activation under way and the helper modules it loads. */
type HeldVm = { vm: TaskVm; logs: LogLine[]; modules: ModuleUse };

const port = parentPort!;
const setup = workerData as WorkerSetup;
const latest = new Map<string, PinnedModule>();
const held = new Map<number, HeldVm>();
const sandbox = await createSandboxOn(releaseBuild(), setup.limits, new SharedActivity(setup.activity), setup.compiled);
const collectGarbage = garbageCollector();
let modules = sandbox.stats().modules;
let collecting: NodeJS.Timeout | undefined;

/** How long after its last dropped module a worker collects (ms): a worker at work is collected by V8 as it allocates. */
const COLLECT_WHEN_IDLE_MS = 1000;

port.on("message", (message: ToWorker) => void handle(message));
send({ type: "ready" });

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "modules":
      for (const { name, version, code } of message.modules) latest.set(name, { version, code });
      return;
    case "dispose":
      held.get(message.vmId)?.vm.dispose();
      held.delete(message.vmId);
      return releaseDropped();
    default:
      try {
        send({ type: "done", job: message.job, report: await activate(message) });
      } catch (error) {
        held.delete(message.vmId);
        const code = hasCode(error) ? error.code : "SANDBOX_FAULT";
        send({ type: "failed", job: message.job, code, message: error instanceof Error ? error.message : String(error) });
      }
      releaseDropped();
  }
}

/**
 * A dropped module's memory (up to the module's ceiling) returns only when its `WebAssembly.Memory`
 * is collected, and an idle worker allocates nothing that would make V8 collect: collect once no
 * module was dropped for `COLLECT_WHEN_IDLE_MS` (a module is dropped when it swelled, or when it
 * was full and its last VM ended: every 256 VMs a worker starts). Not at each drop: a full collection
 * costs a worker under load a sixth of its time, where V8's own, as it allocates, keeps its memory
 * as low (134-138 MiB against 121-126 over 20,000 starts and their ~300 dropped modules, at 64 VMs a module).
 */
function releaseDropped(): void {
  const now = sandbox.stats().modules;
  if (now < modules) {
    clearTimeout(collecting);
    collecting = setTimeout(collectGarbage, COLLECT_WHEN_IDLE_MS).unref();
  }
  modules = now;
}

/** V8's collector, exposed to this thread only for `releaseDropped`. */
function garbageCollector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

async function activate(message: Exclude<ToWorker, { type: "modules" | "dispose" }>): Promise<ActivationReport> {
  const since = performance.now();
  if (message.type === "resume") {
    const vm = held.get(message.vmId);
    if (vm === undefined) throw new SandboxFailure(ErrorCodes.vmLost, `VM ${message.vmId} is not held by this worker`);
    return report(message.vmId, vm, vm.vm.resume({ at: message.at, results: message.results }), since);
  }
  const pinned = message.type === "replay" ? new Map(Object.entries(message.pinned)) : new Map<string, PinnedModule>();
  const { logs, modules, options } = bind(message, pinned);
  const { vm, outcome } = message.type === "start" ? await sandbox.start({ ...options, input: message.input, at: message.at }) : await sandbox.replay({ ...options, input: message.input, journal: message.journal });
  return report(message.vmId, { vm, logs, modules }, outcome, since);
}

/** The options of a new VM: its module resolution against this worker's catalog and `pinned`, and its log. */
function bind(identity: VmIdentity, pinned: ReadonlyMap<string, PinnedModule>) {
  const modules = new ModuleUse((name) => latest.get(functionKey(identity.namespace, name)), pinned);
  const logs: LogLine[] = [];
  const source = taskSource(identity.code, modules.lookup);
  return { logs, modules, options: { stackRunId: identity.stackRunId, taskName: identity.taskName, source, onLog: (line: LogLine) => void logs.push(line) } };
}

/** The report of an activation that began at `since` (`performance.now()`); a VM whose task ended was disposed by the sandbox and is forgotten here. */
function report(vmId: number, vm: HeldVm, outcome: Outcome, since: number): ActivationReport {
  const logs = vm.logs.splice(0);
  const modules = vm.modules.takeFresh();
  const runMs = performance.now() - since;
  if (outcome.kind !== "suspended") {
    held.delete(vmId);
    return { outcome, runMs, logs, modules, memoryBytes: 0, activations: 0 };
  }
  held.set(vmId, vm);
  return { outcome, runMs, logs, modules, memoryBytes: vm.vm.memoryBytes, activations: vm.vm.activations };
}

function send(message: FromWorker): void {
  port.postMessage(message);
}
