import { RunListCursorTime, ValidationError } from "@tasker/contracts";
import { z } from "zod";

/**
 * Where a page of `GET /tasks` continues: the last run of the page before, by `createdAt` (the read
 * model's time in ISO-8601 to the microsecond, which a JavaScript date would cut to the millisecond) and `taskRunId`. Clients see it opaque:
 * base64url of `[createdAt, taskRunId]`.
 */
export interface RunListCursor {
  readonly createdAt: string;
  readonly taskRunId: string;
}

const parts = z.tuple([RunListCursorTime, z.uuid()]);

/** The `nextCursor` for the page after the one ending with `last`. */
export function encodeRunListCursor(last: RunListCursor): string {
  return Buffer.from(JSON.stringify([last.createdAt, last.taskRunId])).toString("base64url");
}

/** The cursor `text` (a `nextCursor`) stands for; a 400 naming `cursor` when it is none. */
export function decodeRunListCursor(text: string): RunListCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, "base64url").toString());
  } catch {
    decoded = undefined;
  }
  const parsed = parts.safeParse(decoded);
  if (!parsed.success) throw new ValidationError("cursor: must be a nextCursor of an earlier page", "cursor");
  return { createdAt: parsed.data[0], taskRunId: parsed.data[1] };
}
