import { useState } from "preact/hooks";
import { api, segment } from "../api/client";
import type { TaskErrorView, TaskRunView } from "../api/types";
import { elapsed, ENDED, formatDuration, formatTime, pretty } from "../app/format";
import { StatusBadge } from "../app/status-badge";

/** A run's task, status, timings, input, and result or error; a cancel button while it runs. */
export function RunHeader({ run, live }: { run: TaskRunView; live: boolean }) {
  const ended = ENDED.has(run.status);
  return (
    <section class="run-header" aria-label="Run">
      <div class="title-row">
        <h1>{run.taskName}</h1>
        <StatusBadge status={run.status} />
        {live && !ended && <span class="live">● live</span>}
        {!ended && <CancelButton taskRunId={run.taskRunId} />}
      </div>
      <dl class="facts">
        <dt>Run</dt>
        <dd class="mono">{run.taskRunId}</dd>
        <dt>Created</dt>
        <dd>{formatTime(run.createdAt)}</dd>
        <dt>{ended ? "Ended" : "Last change"}</dt>
        <dd>{formatTime(run.updatedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(elapsed(run.createdAt, ended ? run.updatedAt : undefined))}</dd>
      </dl>
      <div class="values">
        <div>
          <h2>Input</h2>
          <pre>{pretty(run.input)}</pre>
        </div>
        {run.status === "completed" && (
          <div>
            <h2>Result</h2>
            <pre>{pretty(run.result)}</pre>
          </div>
        )}
        {run.error && (
          <div>
            <h2>Error</h2>
            <ErrorView error={run.error} />
          </div>
        )}
      </div>
    </section>
  );
}

function ErrorView({ error }: { error: TaskErrorView }) {
  return (
    <div class="error">
      <p>
        <span class="error-code">{String(error.code)}</span> <strong>{error.name}</strong>: {error.message}
      </p>
      {error.details && <pre>{pretty(error.details)}</pre>}
      {error.stack && (
        <details>
          <summary>Stack</summary>
          <pre>{error.stack}</pre>
        </details>
      )}
      {error.cause && (
        <details>
          <summary>Cause</summary>
          <ErrorView error={error.cause} />
        </details>
      )}
    </div>
  );
}

/** `POST /tasks/:id/cancel`: the run then ends `cancelled`, which the live page shows. */
function CancelButton({ taskRunId }: { taskRunId: string }) {
  const [state, setState] = useState<"idle" | "asking" | "asked">("idle");
  const [problem, setProblem] = useState<string | undefined>();
  const cancel = async () => {
    setState("asking");
    try {
      await api(`/tasks/${segment(taskRunId)}/cancel`, { method: "POST", body: { reason: "cancelled from the run inspector" } });
      setState("asked");
    } catch (error) {
      setState("idle");
      setProblem((error as Error).message);
    }
  };
  return (
    <>
      <button type="button" class="danger" disabled={state !== "idle"} onClick={cancel}>
        {state === "idle" ? "Cancel run" : "Cancelling…"}
      </button>
      {problem && (
        <span class="problem" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}
