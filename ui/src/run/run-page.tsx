import type { ComponentChildren } from "preact";
import { ApiError } from "../api/client";
import { Link, paths } from "../app/router";
import { useTicker } from "../app/use-ticker";
import { CallTree } from "./call-tree";
import { EventsPanel } from "./events-panel";
import { LogsPanel } from "./logs-panel";
import { RunHeader } from "./run-header";
import { Timeline } from "./timeline";
import { useLiveRun } from "./use-live-run";

/** One run: its header, call tree, timeline, logs and events, all following the run live until it ends. */
export function RunPage({ taskRunId }: { taskRunId: string }) {
  const { run, tree, events, live, error } = useLiveRun(taskRunId);
  useTicker(live);
  return (
    <main class="run">
      <p class="crumbs">
        <Link href={paths.runs()}>← Runs</Link>
      </p>
      {error && (
        <p class="problem" role="alert">
          {error instanceof ApiError && error.status === 404 ? `No run ${taskRunId} here.` : `Could not read the run: ${error.message}`}
        </p>
      )}
      {run === undefined ? (
        !error && <p aria-busy="true">Loading…</p>
      ) : (
        <>
          <RunHeader run={run} live={live} />
          <div class="panels">
            <Panel id="tree" title="Call tree">
              {tree ? <CallTree root={tree} /> : <p class="muted">Loading…</p>}
            </Panel>
            <Panel id="timeline" title="Timeline">
              {tree ? <Timeline root={tree} live={live} /> : <p class="muted">Loading…</p>}
            </Panel>
            <Panel id="logs" title={`Logs (${run.logs.length + (run.logsOmitted ?? 0)})`}>
              <LogsPanel logs={run.logs} omitted={run.logsOmitted} />
            </Panel>
            <Panel id="events" title={`Events (${events.length})`}>
              <EventsPanel events={events} />
            </Panel>
          </div>
        </>
      )}
    </main>
  );
}

function Panel({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
