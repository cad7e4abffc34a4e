import type { StoredDeadLetter } from "./stored-dead-letters.js";

/**
 * One line of `tasker dlq list`: id, time written, service, deliveries, the task run (`-` when the
 * subject names none), the original subject, and the error's code and message. The payload is not
 * shown: it may carry a task's input or a result.
 */
export function deadLetterLine(entry: StoredDeadLetter): string {
  const { letter } = entry;
  return `${String(entry.id).padStart(6)}  ${entry.at}  ${entry.service.padEnd(16)}  ${String(letter.deliveries).padStart(2)}  ${(entry.taskRunId ?? "-").padEnd(36)}  ${letter.subject}  ${letter.error.code}: ${letter.error.message}\n`;
}

/** One line of `tasker dlq list --json`: the same facts as one JSON object, the payload left out. */
export function deadLetterJson(entry: StoredDeadLetter): string {
  const { letter } = entry;
  return `${JSON.stringify({
    id: entry.id,
    at: entry.at,
    service: entry.service,
    subject: letter.subject,
    deliveries: letter.deliveries,
    error: { code: letter.error.code, message: letter.error.message },
    taskRunId: entry.taskRunId ?? null,
    payloadTruncated: letter.payloadTruncated === true,
  })}\n`;
}
