import { z } from "zod";
import { TaskRunStatus } from "./tasks.js";

/** How many runs one page of `GET /tasks` holds when `limit` is left out, and at most. */
export const DEFAULT_RUN_PAGE_SIZE = 50;
export const MAX_RUN_PAGE_SIZE = 500;

/** The `status` query parameter of `GET /tasks`: one run status, as `GET /tasks/:taskRunId` answers them. */
export const RunListStatus = TaskRunStatus.optional();

/** PostgreSQL knows no year 0 (1 BC is followed by AD 1) and refuses a time in it. */
const notInYearZero = (text: string): boolean => !text.startsWith("0000-");

/**
 * The `since` query parameter: ISO-8601, a time with a zone (`2026-12-01T08:00:00+01:00`) or a date
 * (`2026-12-01`, midnight UTC); runs created at or after it. A date is given its time: `2026-12-01T00:00:00Z`.
 */
export const RunListSince = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { message: "must be an ISO-8601 date (2026-12-01) or date and time with a zone (2026-12-01T00:00:00Z)" })
  .refine(notInYearZero, "must be a time in AD 1 or later")
  .transform((text) => (text.includes("T") ? text : `${text}T00:00:00Z`))
  .optional();

/** The `limit` query parameter: 1 to `MAX_RUN_PAGE_SIZE` runs per page; `DEFAULT_RUN_PAGE_SIZE` when left out. */
export const RunListLimit = z.coerce
  .number({ message: "must be a whole number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(MAX_RUN_PAGE_SIZE, `must be at most ${MAX_RUN_PAGE_SIZE}`)
  .default(DEFAULT_RUN_PAGE_SIZE);

/**
 * The time a `nextCursor` carries: a run's `createdAt` as the read model keeps it, ISO-8601 in UTC to
 * the microsecond (`2026-12-01T08:00:00.123456Z`).
 */
export const RunListCursorTime = z.iso.datetime({ precision: 6 }).refine(notInYearZero);

/** The `cursor` query parameter: the opaque `nextCursor` of an earlier page (the gateway decodes it). */
export const RunListCursorText = z.string().max(200, "must be a nextCursor of an earlier page").optional();

/** One run of `GET /tasks`. `durationMs`: from its creation to its end, once it ended. */
export const TaskRunSummary = z.object({
  taskRunId: z.uuid(),
  taskName: z.string(),
  status: TaskRunStatus,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  durationMs: z.int().nonnegative().optional(),
});
export type TaskRunSummary = z.infer<typeof TaskRunSummary>;

/** `GET /tasks`: a page of runs, newest first; `nextCursor` is there when more runs follow. */
export const TaskRunList = z.object({
  items: z.array(TaskRunSummary),
  nextCursor: z.string().optional(),
});
export type TaskRunList = z.infer<typeof TaskRunList>;
