import type { RecordedEvent } from "@tasker/contracts";

/** What no writer may record once the run ended (a cancel request is a fact from outside, and may race the end). */
const WORK = new Set(["stack.created", "stack.started", "stack.retrying", "stack.completed", "stack.failed", "vm.suspended", "vm.resumed", "resume.requested", "log.appended"]);

/**
 * What is wrong with one run's history (its stream's events in version order), as sentences; empty
 * when nothing is: versions without a gap; no stack run settled twice; activations of each stack
 * run numbered 1, 2, 3... each recorded once, and each resume asked for once, for the activation
 * after the last suspended one; each result delivered once, after its call settled, with its
 * settlement's value; at most one end, after which no work is recorded, and a completed run ends with
 * its root's result; each wait for a signal answered with the oldest signal of its name not given yet.
 * Every end-to-end test applies it to every run it made.
 */
export function historyViolations(events: readonly RecordedEvent[]): string[] {
  const violations: string[] = [];
  const settled = new Map<string, { ok: boolean; value: unknown }>();
  const activations = new Map<string, number>();
  const suspendedAt = new Map<string, number>();
  const resumesAsked = new Set<string>();
  const delivered = new Set<string>();
  const parents = new Map<string, { parent: string | null; seq: number | null }>();
  const waits = new Map<string, string>();
  const signals = new Map<string, unknown[]>();
  let root: string | undefined;
  let end: RecordedEvent | undefined;
  events.forEach((event, index) => {
    const at = `version ${event.metadata.streamVersion} (${event.type})`;
    if (event.metadata.streamVersion !== index + 1) violations.push(`${at}: expected version ${index + 1}, a gap or a repeat`);
    if (end && WORK.has(event.type)) violations.push(`${at}: recorded after the run's end (${end.type})`);
    switch (event.type) {
      case "stack.created":
        parents.set(event.data.stackRunId, { parent: event.data.parentStackRunId, seq: event.data.seq });
        if (event.data.parentStackRunId === null) root ??= event.data.stackRunId;
        if (event.data.service === "signals") waits.set(event.data.stackRunId, String(event.data.args[0]));
        break;
      case "signal.received":
        signals.set(event.data.name, [...(signals.get(event.data.name) ?? []), event.data.payload]);
        break;
      case "stack.completed":
      case "stack.failed": {
        const { stackRunId } = event.data;
        if (settled.has(stackRunId)) {
          violations.push(`${at}: stack run ${stackRunId} settled a second time`);
          break;
        }
        settled.set(stackRunId, event.type === "stack.completed" ? { ok: true, value: event.data.result } : { ok: false, value: event.data.error });
        const name = waits.get(stackRunId);
        if (name !== undefined && event.type === "stack.completed" && JSON.stringify(signals.get(name)?.shift()) !== JSON.stringify(event.data.result)) {
          violations.push(`${at}: the wait ${stackRunId} for "${name}" received another payload than the oldest signal not given yet`);
        }
        break;
      }
      case "vm.resumed":
      case "vm.suspended": {
        const { stackRunId, activation } = event.data;
        const current = activations.get(stackRunId) ?? 0;
        // A start suspends as activation 1; a resume records vm.resumed k, then suspends as k.
        const expected = event.type === "vm.resumed" || activation === 1 ? current + 1 : current;
        if (activation !== expected) violations.push(`${at}: activation ${activation} of ${stackRunId}, expected ${expected}`);
        if (event.type === "vm.resumed" && !resumesAsked.has(`${stackRunId}#${activation}`)) violations.push(`${at}: activation ${activation} of ${stackRunId} ran without a resume asking for it`);
        activations.set(stackRunId, activation);
        if (event.type === "vm.suspended") suspendedAt.set(stackRunId, activation);
        break;
      }
      case "resume.requested": {
        const { stackRunId, activation, results } = event.data;
        const key = `${stackRunId}#${activation}`;
        if (resumesAsked.has(key)) violations.push(`${at}: a second resume of ${stackRunId} to activation ${activation}`);
        resumesAsked.add(key);
        if (suspendedAt.get(stackRunId) !== activation - 1) violations.push(`${at}: resume of ${stackRunId} to ${activation}, but it is suspended at ${suspendedAt.get(stackRunId)}`);
        for (const result of results) {
          const seqKey = `${stackRunId}:${result.seq}`;
          if (delivered.has(seqKey)) violations.push(`${at}: result ${result.seq} of ${stackRunId} delivered a second time`);
          delivered.add(seqKey);
          const settlement = settled.get(result.stackRunId);
          const child = parents.get(result.stackRunId);
          if (!settlement || child?.parent !== stackRunId || child.seq !== result.seq) {
            violations.push(`${at}: delivers result ${result.seq} of ${stackRunId}, which is not a settled call of it`);
          } else if (settlement.ok !== result.ok || JSON.stringify(settlement.value) !== JSON.stringify(result.ok ? result.value : result.error)) {
            violations.push(`${at}: delivers result ${result.seq} of ${stackRunId} other than it settled`);
          }
        }
        break;
      }
      case "run.completed":
      case "run.failed":
      case "run.cancelled":
        if (end) violations.push(`${at}: a second end of the run (first ${end.type})`);
        end ??= event;
        if (event.type === "run.completed" && JSON.stringify(settled.get(root ?? "")?.value) !== JSON.stringify(event.data.result)) {
          violations.push(`${at}: the run completed with another result than its root's`);
        }
        break;
      default:
        break;
    }
  });
  return violations;
}
