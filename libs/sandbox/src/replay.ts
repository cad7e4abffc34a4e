import { ErrorCodes } from "./error-codes.js";
import { hashArgs } from "./hash-args.js";
import { SandboxFailure, sandboxError } from "./sandbox-failure.js";
import type { TaskVmImpl } from "./task-vm.js";
import type { JournalActivation, JournalCall, Outcome, SandboxError, ToolCall } from "./types.js";

/**
 * Rebuilds a VM from its journal: runs the task again and answers its calls from the journal,
 * activation by activation in the recorded order, with no log lines emitted. Each call must match the
 * journal's call at the same seq (service, method and argument hash) and each activation must make
 * exactly the calls it recorded; otherwise the VM fails with `NON_DETERMINISM`. Returns the outcome of
 * the last activation (its calls are the journal's); a suspended VM is then ready for the next live
 * batch. A failed replay reports no calls: those it made were the journal's, or contradicted it.
 */
export function replayJournal(vm: TaskVmImpl, input: unknown, journal: JournalActivation[]): Outcome {
  if (journal.length === 0 || journal[0]!.results.length > 0) {
    throw new SandboxFailure(ErrorCodes.invalidJournal, "a journal starts with an activation that delivered no results");
  }
  const expected = new Map<number, { call: JournalCall; activation: number }>();
  journal.forEach((recorded, activation) => recorded.calls.forEach((call) => expected.set(call.seq, { call, activation })));
  let current = 0;
  vm.calls.observer = (call) => {
    const recorded = expected.get(call.seq);
    if (recorded === undefined || recorded.activation !== current) return nonDeterminism(call.seq, recorded?.call, call);
    const { call: want } = recorded;
    const same = want.service === call.service && sameMethod(want.method, call.method) && (want.argsHash === null || want.argsHash === hashArgs(call.args));
    return same ? undefined : nonDeterminism(call.seq, want, call);
  };
  try {
    const last = journal.length - 1;
    // The heap is measured once, after the last step: the steps before it are no suspension.
    let outcome: Outcome = vm.start(journal[0]!.at, input, last === 0);
    for (;;) {
      const recorded = journal[current]!;
      if (outcome.kind === "failed") return { ...outcome, calls: [] };
      const made = new Set(vm.calls.activationCalls.map((call) => call.seq));
      const missing = recorded.calls.find((call) => !made.has(call.seq));
      if (missing !== undefined) return failWith(vm, nonDeterminism(missing.seq, missing, undefined));
      if (current === last) return outcome;
      if (outcome.kind === "completed") {
        const message = `the task completed in activation ${current}, but the journal records ${journal.length} activations`;
        return { kind: "failed", error: sandboxError(ErrorCodes.nonDeterminism, message, "NonDeterminismError"), calls: [] };
      }
      current += 1;
      outcome = vm.resume({ at: journal[current]!.at, results: journal[current]!.results }, current === last);
    }
  } catch (error) {
    vm.dispose();
    throw error;
  } finally {
    vm.calls.observer = undefined;
  }
}

function failWith(vm: TaskVmImpl, error: SandboxError): Outcome {
  vm.dispose();
  return { kind: "failed", error, calls: [] };
}

function sameMethod(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function nonDeterminism(seq: number, want: JournalCall | undefined, got: ToolCall | undefined): SandboxError {
  const recorded = want === undefined ? "no call" : `${describe(want.service, want.method)}${want.argsHash === null ? "" : ` with args hash ${want.argsHash.slice(0, 12)}`}`;
  const made = got === undefined ? "no call" : `${describe(got.service, got.method)} with args hash ${hashArgs(got.args).slice(0, 12)}`;
  const message = `non-determinism at call seq ${seq}: the journal recorded ${recorded}, the code made ${made}`;
  return sandboxError(ErrorCodes.nonDeterminism, message, "NonDeterminismError");
}

function describe(service: string, method: string[]): string {
  return [service, ...method].join(".");
}
