import type { TaskRunView, WaitingOnCall } from "@tasker/contracts";

/** The first 12 characters of a version hash: enough to tell versions apart on screen. */
export function shortVersion(version: string): string {
  return version.slice(0, 12);
}

/** The last 8 characters of a UUIDv7: its random part, so that ids of one run differ on screen. */
export function shortId(id: string): string {
  return id.slice(-8);
}

/** Seconds with one decimal: `3.2s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A call a suspended run waits on, as the code wrote it: `tasks.execute (seq 0)`. */
export function describeCall(call: WaitingOnCall): string {
  return `${[call.service, ...call.method].join(".")} (seq ${call.seq})`;
}

/** The state of a run in one line, without time: `SUSPENDED — waiting on tasks.execute (seq 0)`. */
export function describeRun(run: TaskRunView): string {
  const status = run.status.toUpperCase();
  const waiting = run.waitingOn ?? [];
  if (run.status !== "suspended" || waiting.length === 0) return status;
  const shown = waiting.slice(0, 3).map(describeCall).join(", ");
  return `${status} — waiting on ${shown}${waiting.length > 3 ? ` and ${waiting.length - 3} more` : ""}`;
}

/** A value as the CLI prints results: pretty JSON. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "undefined";
}
