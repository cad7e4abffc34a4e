import { RUN_END_EVENT_TYPES } from "./api/task-run-events.js";
import type { EventType, RecordedEvent } from "./event.js";
import { decidedByItsWriter } from "./metadata.js";

/** The subject prefix of a deployment; tests use a fresh one each so they never see each other. */
export const DEFAULT_SUBJECT_PREFIX = "tasker";
const PREFIX_PATTERN = /^[A-Za-z0-9_-]+$/;

export function assertSubjectPrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`subject prefix "${prefix}" must match ${PREFIX_PATTERN}`);
  return prefix;
}

/** The events the stack-processor receives only to decide on them: routed `decided` when their writer decided all. */
const DECIDED_ROUTE = new Set<EventType>(["stack.completed", "stack.failed", "vm.suspended"]);

/**
 * The JetStream subject of an event: `<prefix>.<category>.<key>.<event type>[.<route>]`, where the
 * stream id `<category>:<key>` is `run:<taskRunId>` or `fn:[<namespace>:]<task name>`. The run id sits at a fixed
 * position, so `<prefix>.run.<taskRunId>.>` is a run's whole history in order. The route is the
 * service of a `stack.created` (`<prefix>.run.*.stack.created.<service>` is exactly one service's
 * work), the worker of a `resume.requested` (the executor instance holding the VM listens to its own),
 * and `decided` for a stack run's outcome or suspension whose writer took every decision it calls for
 * in the same append (`decidedByItsWriter`): the stack-processor, which consumes
 * `<prefix>.run.*.stack.completed` (and `.stack.failed`, `.vm.suspended`) to decide, never receives it.
 */
export function subjectOf(prefix: string, event: Pick<RecordedEvent, "type" | "data" | "metadata">): string {
  const { streamId } = event.metadata;
  const colon = streamId.indexOf(":");
  if (colon <= 0) throw new Error(`stream id "${streamId}" is not <category>:<key>`);
  const base = `${prefix}.${streamId.slice(0, colon)}.${streamId.slice(colon + 1)}.${event.type}`;
  if (event.type === "stack.created" && "service" in event.data) return `${base}.${event.data.service}`;
  if (event.type === "resume.requested" && "worker" in event.data) return `${base}.${event.data.worker}`;
  if (DECIDED_ROUTE.has(event.type) && decidedByItsWriter(event.metadata)) return `${base}.decided`;
  return base;
}

/** Subject filters relative to the prefix, as handlers name them in `@EventPattern(...)`. */
export const patterns = {
  /** One event type, across all runs. */
  event: (type: Exclude<EventType, "stack.created" | "resume.requested" | "task.published">) => `run.*.${type}`,
  /** Resumes for one executor instance (`*`: for any). */
  resumeRequested: (worker: string) => `run.*.resume.requested.${worker}`,
  /** The calls addressed to one service. */
  stackCreated: (service: string) => `run.*.stack.created.${service}`,
  /**
   * Every run's ends, one filter per kind (`run.completed`, `run.failed`, `run.cancelled`): a listener
   * for ends subscribes to each, and the bus does not also deliver it every run's `run.submitted`.
   */
  runEnds: RUN_END_EVENT_TYPES.map((type) => `run.*.${type}`),
  /** Every published task function. */
  taskPublished: "fn.*.task.published",
} as const;

/** The task run whose end a subject announces (`<prefix>.run.<taskRunId>.run.<end>`); undefined for any other subject. */
export function endedRunOf(subject: string): string | undefined {
  const [, category, taskRunId, kind, end] = subject.split(".");
  return category === "run" && RUN_END_EVENT_TYPES.includes(`${kind}.${end}`) ? taskRunId : undefined;
}

/** The task run a subject with its prefix is about (`<prefix>.run.<taskRunId>.…`); undefined for any other subject. */
export function runOfSubject(subject: string): string | undefined {
  const [, category, taskRunId] = subject.split(".");
  return category === "run" ? taskRunId : undefined;
}

/** A run's whole history, with the prefix: for `nats stream view` / `tasker events`. */
export function runHistoryFilter(prefix: string, taskRunId: string): string {
  return `${prefix}.run.${taskRunId}.>`;
}

/** Whether NATS delivers `subject` to a subscription on `filter` (`*` one token, `>` the rest). */
export function subjectMatches(filter: string, subject: string): boolean {
  const wanted = filter.split(".");
  const tokens = subject.split(".");
  for (let i = 0; i < wanted.length; i++) {
    if (wanted[i] === ">") return tokens.length > i;
    if (wanted[i] !== "*" && wanted[i] !== tokens[i]) return false;
  }
  return wanted.length === tokens.length;
}
