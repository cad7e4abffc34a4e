import type { RecordedEvent } from "@tasker/contracts";
import { type StackRunHistory, stackRunHistory } from "@tasker/run-model";
import { canonicalJson, type JournalActivation, ModuleUse, type PinnedModule, type Sandbox, taskSource } from "@tasker/sandbox";

/** Where a replay finds code: a task's at its version, a helper module's pinned or latest, in the run's namespace. */
export interface ReplayCode {
  task(name: string, version: string): Promise<string>;
  module(name: string, version: string): Promise<string>;
  latestModule(name: string): PinnedModule | undefined;
}

/**
 * What replaying one stack run found: `reproduced` when every activation made the recorded calls
 * (service, method, args hash) and it ended as recorded; otherwise `difference` says where (the
 * activation, 1-based, and the call seq when a call differed) and what was recorded vs what the code did now.
 */
export interface StackRunReplay {
  stackRunId: string;
  taskName: string;
  activations: number;
  reproduced: boolean;
  difference?: { activation: number; seq?: number; message: string };
}

/**
 * Replays the ended stack run `stackRunId` of `events` (its run's stream, in order) in `sandbox`:
 * its recorded journal, then its last activation (the one that completed or failed), with `code`
 * instead of its published version when given. Log lines are not printed.
 */
export async function replayStackRun(sandbox: Sandbox, events: readonly RecordedEvent[], stackRunId: string, source: ReplayCode, code?: string): Promise<StackRunReplay> {
  const history = stackRunHistory(events, stackRunId);
  const created = history.created!;
  const [taskName, input] = created.args;
  const journal = [...history.journal, lastActivation(events, stackRunId, history)];
  const report = { stackRunId, taskName: String(taskName), activations: journal.length };
  const pinned = new Map(await Promise.all([...history.modules].map(async ([name, version]) => [name, { version, code: await source.module(name, version) }] as const)));
  const modules = new ModuleUse(source.latestModule, pinned);
  const { vm, outcome } = await sandbox.replay({
    stackRunId,
    taskName: String(taskName),
    source: taskSource(code ?? (await source.task(String(taskName), created.taskVersion ?? "")), modules.lookup),
    onLog: () => undefined,
    input,
    journal,
  });
  const ending = events.find((event) => (event.type === "stack.completed" || event.type === "stack.failed") && event.data.stackRunId === stackRunId)!;
  const last = journal.length;
  if (outcome.kind === "suspended") {
    vm.dispose();
    return { ...report, reproduced: false, difference: { activation: last, message: `the code still waits on calls after activation ${last}, where the recorded run ${ending.type === "stack.completed" ? "completed" : "failed"}` } };
  }
  if (outcome.kind === "failed" && outcome.error.code === "NON_DETERMINISM") {
    // The sandbox names the call seq in its message; the VM counts the activations it ran up to the difference.
    const seq = /call seq (\d+)/.exec(outcome.error.message)?.[1];
    return { ...report, reproduced: false, difference: { activation: vm.activations, seq: seq === undefined ? undefined : Number(seq), message: outcome.error.message } };
  }
  const recorded = ending.type === "stack.completed" ? `completed with ${canonicalJson((ending.data as { result: unknown }).result)}` : `failed with ${errorText((ending.data as { error: unknown }).error)}`;
  const now = outcome.kind === "completed" ? `completed with ${canonicalJson(outcome.result)}` : `failed with ${errorText(outcome.error)}`;
  if (recorded === now) return { ...report, reproduced: true };
  // The VM may have ended before the recorded last activation (code that throws sooner, or does not compile).
  return { ...report, reproduced: false, difference: { activation: Math.max(vm.activations, 1), message: `the recorded run ${recorded}, the code ${now}` } };
}

function errorText(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return `${String(code)}: ${String(message)}`;
}

/**
 * The activation that ended the stack run, which no `vm.suspended` records: the results its resume
 * delivered, the calls it made (left pending when it ended), and its time (its `vm.resumed`; for a
 * first activation, the time its log lines carry, else when its end was recorded, to the millisecond).
 */
function lastActivation(events: readonly RecordedEvent[], stackRunId: string, history: StackRunHistory): JournalActivation {
  const number = history.journal.length + 1;
  const mine = events.filter((event) => (event.data as { stackRunId?: string }).stackRunId === stackRunId);
  const resumed = mine.find((event) => event.type === "vm.resumed" && event.data.activation === number);
  const logged = mine.find((event) => event.type === "log.appended");
  const ending = mine.find((event) => event.type === "stack.completed" || event.type === "stack.failed");
  const at =
    resumed?.type === "vm.resumed"
      ? resumed.data.at
      : logged?.type === "log.appended" && number === 1
        ? Date.parse(logged.data.at)
        : Date.parse(ending?.metadata.recordedAt ?? "");
  return { at: Number.isNaN(at) ? 0 : at, results: history.resumes.get(number) ?? [], calls: history.openCalls };
}
