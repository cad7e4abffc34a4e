/** Driving sandbox VMs in tests: task sources, live runs answered by a responder, outcomes read back. */
import { type CallResult, createSandbox, hashArgs, type JournalActivation, type LogLine, type Outcome, type Sandbox, type SandboxLimits, type TaskSource, type TaskVm, type ToolCall } from "@tasker/sandbox";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

/**
 * A sandbox for the tests of one file (`current`, from its first test on), with `limits`; after each
 * test no VM of it may be alive or left unfreed (a handle the test or the sandbox leaked).
 */
export function useSandbox(limits: Partial<SandboxLimits> = {}): { readonly current: Sandbox } {
  const holder = {} as { current: Sandbox };
  beforeAll(async () => {
    holder.current = await createSandbox(limits);
  });
  afterEach(() => {
    expect(holder.current.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
  });
  afterAll(() => holder.current.dispose());
  return holder;
}

export function source(code: string, modules: Record<string, string> = {}): TaskSource {
  return {
    code,
    // Specifiers name modules directly here; `../shared/x` and `./x` both resolve to `x`.
    resolveModule: (specifier) => {
      const name = specifier.replace(/^(\.\.?\/)+(shared\/)?/, "");
      const code = modules[name];
      return code === undefined ? undefined : { name, code };
    },
  };
}

export type Responder = (call: ToolCall) => CallResult;
export const echo: Responder = (call) => ({ seq: call.seq, ok: true, value: { echo: call.args, method: call.method } });

export type LiveRun = { outcome: Outcome; journal: JournalActivation[]; logs: LogLine[]; vm: TaskVm };

/**
 * Runs a task live the way the executor does: each suspension is answered by `respond`, all pending
 * calls in one batch, at a clock that advances 1 s per activation. Records the journal as it goes.
 */
export async function runLive(
  sandbox: Sandbox,
  code: TaskSource,
  respond: Responder = echo,
  options: { input?: unknown; stackRunId?: string; maxActivations?: number } = {},
): Promise<LiveRun> {
  const logs: LogLine[] = [];
  const at = 1_700_000_000_000;
  const started = await sandbox.start({
    stackRunId: options.stackRunId ?? "run-1/stack-1",
    taskName: "task",
    source: code,
    input: options.input ?? { n: 1 },
    at,
    onLog: (line) => logs.push(line),
  });
  let outcome = started.outcome;
  const journal: JournalActivation[] = [{ at, results: [], calls: journalCalls(outcome) }];
  let waiting: ToolCall[] = outcome.kind === "suspended" ? [...outcome.calls] : [];
  while (outcome.kind === "suspended" && journal.length < (options.maxActivations ?? 10_000)) {
    const results = waiting.map(respond);
    waiting = [];
    const batch = { at: at + journal.length * 1000, results };
    outcome = started.vm.resume(batch);
    if (outcome.kind === "suspended") waiting.push(...outcome.calls);
    journal.push({ ...batch, calls: journalCalls(outcome) });
  }
  return { outcome, journal, logs, vm: started.vm };
}

function journalCalls(outcome: Outcome): JournalActivation["calls"] {
  return outcome.calls.map(({ seq, service, method, args }) => ({ seq, service, method, argsHash: hashArgs(args) }));
}

export async function startTask(sandbox: Sandbox, code: TaskSource, input: unknown = null, onLog: (line: LogLine) => void = () => {}) {
  return sandbox.start({ stackRunId: "run-1/stack-1", taskName: "task", source: code, input, at: 1_700_000_000_000, onLog });
}

/** The outcome's value when completed; fails the test with the outcome otherwise. */
export function resultOf(outcome: Outcome): unknown {
  if (outcome.kind !== "completed") throw new Error(`expected completed, got ${JSON.stringify(outcome)}`);
  return outcome.result;
}

export function errorOf(outcome: Outcome) {
  if (outcome.kind !== "failed") throw new Error(`expected failed, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}
