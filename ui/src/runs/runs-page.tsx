import { useEffect, useState } from "preact/hooks";
import { api, ApiError, segment } from "../api/client";
import { AnySelect } from "../app/any-select";
import type { TaskFunctionSummary, TaskRunList, TaskRunStatus, TaskRunView } from "../api/types";
import { elapsed, ENDED, formatDuration, formatTime } from "../app/format";
import { Link, navigate, paths } from "../app/router";
import { StatusBadge } from "../app/status-badge";
import { usePolled } from "../app/use-polled";

/** The contracts' `TaskRunStatus` values, in a run's order (checked against it at build time). */
const STATUSES = ["queued", "processing", "suspended", "completed", "failed", "cancelled"] as const satisfies readonly TaskRunStatus[];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How often the list is read again: new runs appear and statuses change within this. */
const REFRESH_MS = 2000;
const PAGE_SIZE = 25;

function listPath(status: string, taskName: string, cursor: string | undefined): string {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (status) query.set("status", status);
  if (taskName) query.set("taskName", taskName);
  if (cursor) query.set("cursor", cursor);
  return `/tasks?${query}`;
}

/** Every run of the namespace, newest first, read again every 2 s; filters by status and task, a run id search, and a pager. */
export function RunsPage() {
  const [status, setStatus] = useState("");
  const [taskName, setTaskName] = useState("");
  // The cursors of the pages before this one: "Newer" pops, "Older" pushes.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const runs = usePolled((signal) => api<TaskRunList>(listPath(status, taskName, cursor), { signal }), REFRESH_MS, [status, taskName, cursor]);
  const [tasks, setTasks] = useState<string[]>([]);

  useEffect(() => {
    api<TaskFunctionSummary[]>("/task-functions").then(
      (list) => setTasks(list.map((task) => task.name)),
      () => setTasks([]),
    );
  }, []);

  const filter = (change: () => void) => {
    change();
    setCursors([undefined]);
  };

  return (
    <main>
      <h1>Runs</h1>
      <div class="toolbar">
        <AnySelect label="Status" name="status" value={status} choices={STATUSES.map((value) => ({ value }))} onChoose={(value) => filter(() => setStatus(value))} />
        <AnySelect label="Task" name="taskName" value={taskName} choices={tasks.map((value) => ({ value }))} onChoose={(value) => filter(() => setTaskName(value))} />
        <RunSearch />
      </div>
      {runs.error && (
        <p class="problem" role="alert">
          The list could not be read: {runs.error.message}
        </p>
      )}
      {runs.value === undefined ? (
        <p aria-busy="true">Loading…</p>
      ) : runs.value.items.length === 0 ? (
        <p>No runs{status || taskName ? " match these filters" : " yet"}.</p>
      ) : (
        <div class="scroll">
          <table class="runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Task</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {runs.value.items.map((run) => (
                <tr key={run.taskRunId} data-run-id={run.taskRunId}>
                  <td>
                    <Link href={paths.run(run.taskRunId)} class="mono">
                      {run.taskRunId}
                    </Link>
                  </td>
                  <td>{run.taskName}</td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>{formatTime(run.createdAt)}</td>
                  <td class="number">{formatDuration(run.durationMs ?? elapsed(run.createdAt, ENDED.has(run.status) ? run.updatedAt : undefined))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          ← Newer
        </button>
        <span>Page {cursors.length}</span>
        <button type="button" disabled={runs.value?.nextCursor === undefined} onClick={() => setCursors([...cursors, runs.value?.nextCursor])}>
          Older →
        </button>
      </nav>
    </main>
  );
}

/** Opens the run whose id is typed (a whole task run id), or says there is none in this namespace. */
function RunSearch() {
  const [id, setId] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const search = async (event: Event) => {
    event.preventDefault();
    const wanted = id.trim();
    if (!UUID.test(wanted)) return setProblem("A run id is a UUID, e.g. 0193a8f2-7c1e-7000-8000-000000000000.");
    try {
      await api<TaskRunView>(`/tasks/${segment(wanted)}`);
      navigate(paths.run(wanted));
    } catch (error) {
      setProblem(error instanceof ApiError && error.status === 404 ? `No run ${wanted} here.` : (error as Error).message);
    }
  };
  return (
    <form class="search" role="search" onSubmit={search}>
      <label>
        Run id{" "}
        <input name="run-id" type="search" value={id} placeholder="0193a8f2-…" onInput={(event) => (setId(event.currentTarget.value), setProblem(undefined))} />
      </label>
      <button type="submit">Open</button>
      {problem && (
        <span class="problem" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
