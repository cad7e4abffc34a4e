import { type RecordedEvent, RUN_END_EVENT_TYPES } from "@tasker/contracts";

/** Characters of an event's data a summary line shows; `--json` prints it whole. */
const SUMMARY_CHARS = 200;

/**
 * One line of `tasker events`: version, time recorded (ISO-8601), type, the stack run it is about
 * (`-` for a run-level event) and its data as JSON, cut to `SUMMARY_CHARS` characters.
 */
export function eventLine(event: RecordedEvent, withStream = false): string {
  const data = event.data as { stackRunId?: unknown };
  const stackRun = typeof data.stackRunId === "string" ? data.stackRunId : "-";
  const json = JSON.stringify(event.data);
  const summary = json.length > SUMMARY_CHARS ? `${json.slice(0, SUMMARY_CHARS)}…` : json;
  const stream = withStream ? `${event.metadata.streamId}  ` : "";
  return `${stream}${String(event.metadata.streamVersion).padStart(4)}  ${event.metadata.recordedAt}  ${event.type.padEnd(20)}  ${stackRun.padEnd(36)}  ${summary}\n`;
}

/** One line of `--json`: the recorded event (type, data, metadata) as the store holds it. */
export function eventJson(event: RecordedEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** Whether `event` ends its run (nothing follows it in the run's stream but late settlements). */
export function endsRun(event: RecordedEvent): boolean {
  return RUN_END_EVENT_TYPES.includes(event.type);
}
