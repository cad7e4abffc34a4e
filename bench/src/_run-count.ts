import type { TaskerSystem } from "@tasker/testing";

interface RunListPage {
  items: { taskRunId: string }[];
  nextCursor?: string;
}

/** How many runs of `taskName` have `status`, as the API lists them (`GET /tasks?status=&taskName=`, every page of 500). */
export async function countRuns(tasker: TaskerSystem, taskName: string, status: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ status, taskName, limit: "500", ...(cursor && { cursor }) });
    const { status: code, body } = await tasker.request<RunListPage>("GET", `/tasks?${query}`);
    if (code !== 200) throw new Error(`GET /tasks?${query}: ${code} ${JSON.stringify(body)}`);
    count += body.items.length;
    cursor = body.nextCursor;
  } while (cursor);
  return count;
}

/**
 * Resolves with the milliseconds since `start` (a `performance.now()` reading) once `expected` runs
 * of `taskName` have `status`, polling every 500 ms (each poll lists them all, 500 a page) and
 * printing progress on stderr every 5 s. Throws when one of them failed, or after `timeoutMs`.
 */
export async function untilRunsHave(tasker: TaskerSystem, taskName: string, status: string, expected: number, start: number, timeoutMs: number): Promise<number> {
  let lastProgress = performance.now();
  for (;;) {
    const count = await countRuns(tasker, taskName, status);
    if (count >= expected) return performance.now() - start;
    const failed = await countRuns(tasker, taskName, "failed");
    if (failed > 0) throw new Error(`${failed} runs of ${taskName} failed`);
    if (performance.now() - start > timeoutMs) throw new Error(`only ${count} of ${expected} runs of ${taskName} ${status} after ${timeoutMs} ms`);
    if (performance.now() - lastProgress >= 5_000) {
      console.error(`${taskName}: ${count} of ${expected} ${status} after ${Math.round((performance.now() - start) / 1000)} s`);
      lastProgress = performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
