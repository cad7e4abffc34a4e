import { segment } from "../api/client";
import type { TaskFunctionSummary, TaskFunctionVersionSummary, TaskFunctionVersionView } from "../api/types";
import { formatTime, shortId } from "../app/format";
import { Link, paths } from "../app/router";
import { useRead } from "../app/use-read";

/** The published task functions of the namespace; one's description, params, `@uses`, versions and the code of any version. */
export function TasksPage({ name, version }: { name?: string; version?: string }) {
  const list = useRead<TaskFunctionSummary[]>("/task-functions");
  const current = list.value?.find((task) => task.name === name);
  return (
    <main class="tasks">
      <h1>Tasks</h1>
      {list.error && (
        <p class="problem" role="alert">
          Could not read the task functions: {list.error.message}
        </p>
      )}
      <div class="split">
        <nav aria-label="Task functions" class="task-list">
          {list.value?.length === 0 && <p class="muted">Nothing is published yet (`tasker publish --all`).</p>}
          <ul>
            {list.value?.map((task) => (
              <li key={task.name}>
                <Link href={paths.tasks(task.name)} aria-current={task.name === name ? "page" : undefined}>
                  {task.name}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {name === undefined ? (
          <p class="muted">Choose a task function.</p>
        ) : list.value !== undefined && current === undefined ? (
          <p class="problem">No task function {name} here.</p>
        ) : (
          <TaskDetail name={name} version={version ?? current?.version} latest={current?.version} />
        )}
      </div>
    </main>
  );
}

function TaskDetail({ name, version, latest }: { name: string; version: string | undefined; latest: string | undefined }) {
  const versions = useRead<TaskFunctionVersionSummary[]>(`/task-functions/${segment(name)}/versions`);
  const shown = useRead<TaskFunctionVersionView>(version === undefined ? undefined : `/task-functions/${segment(name)}/versions/${segment(version)}`);
  const task = shown.value;
  return (
    <article class="task-detail" aria-labelledby="task-title">
      <h2 id="task-title" class="mono">
        {name}
      </h2>
      {shown.error && (
        <p class="problem" role="alert">
          {shown.error.message}
        </p>
      )}
      {task && (
        <>
          <p>{task.description || <span class="muted">No description.</span>}</p>
          <p class="muted">
            Version <span class="mono" title={task.version}>{shortId(task.version)}</span>
            {task.version === latest ? " (current)" : ""}
          </p>
          <h3>Parameters</h3>
          {task.params.length === 0 ? (
            <p class="muted">None documented.</p>
          ) : (
            <table class="params">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                {task.params.map((param) => (
                  <tr key={param.name}>
                    <td class="mono">
                      {param.name}
                      {param.optional ? "?" : ""}
                    </td>
                    <td class="mono">{param.type}</td>
                    <td>{param.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Uses</h3>
          {task.uses.length === 0 ? <p class="muted">No @uses.</p> : <ul class="uses">{task.uses.map((use) => <li key={use} class="mono">{use}</li>)}</ul>}
          <h3>Code</h3>
          <pre class="code">
            <code>{task.code}</code>
          </pre>
        </>
      )}
      <h3>Versions</h3>
      {versions.error && <p class="problem">{versions.error.message}</p>}
      <ol class="versions">
        {versions.value?.map((entry) => (
          <li key={entry.version}>
            <Link href={paths.tasks(name, entry.version)} aria-current={entry.version === version ? "page" : undefined}>
              <span class="mono">{shortId(entry.version)}</span>
            </Link>{" "}
            <span class="muted">{formatTime(entry.publishedAt)}</span> {entry.description}
          </li>
        ))}
      </ol>
    </article>
  );
}
