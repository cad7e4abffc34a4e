import { useState } from "preact/hooks";
import type { TaskRunLogLine } from "../api/types";
import { AnySelect } from "../app/any-select";
import { formatTime, shortId } from "../app/format";

const LEVELS = ["debug", "info", "warn", "error"];

/** The run's log lines (the last 1,000, as `GET /tasks/:id` holds them), filtered by level, stack run and text. */
export function LogsPanel({ logs, omitted }: { logs: TaskRunLogLine[]; omitted: number | undefined }) {
  const [level, setLevel] = useState("");
  const [stackRun, setStackRun] = useState("");
  const [text, setText] = useState("");
  const stackRuns = [...new Set(logs.map((line) => line.stackRunId))];
  const shown = logs.filter(
    (line) => (level === "" || line.level === level) && (stackRun === "" || line.stackRunId === stackRun) && (text === "" || line.message.toLowerCase().includes(text.toLowerCase())),
  );
  return (
    <div>
      <div class="toolbar">
        <AnySelect label="Level" name="log-level" value={level} choices={LEVELS.map((value) => ({ value }))} onChoose={setLevel} />
        <AnySelect label="Stack run" name="log-stack-run" value={stackRun} choices={stackRuns.map((id) => ({ value: id, text: shortId(id) }))} onChoose={setStackRun} />
        <label>
          Text <input name="log-text" type="search" value={text} onInput={(event) => setText(event.currentTarget.value)} />
        </label>
      </div>
      {omitted !== undefined && <p class="muted">{omitted} earlier lines are left out (`tasker events` has them all).</p>}
      {shown.length === 0 ? (
        <p class="muted">No log lines{logs.length > 0 ? " match" : ""}.</p>
      ) : (
        <div class="scroll">
          <table class="logs">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Stack run</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((line, index) => (
                <tr key={index} class={`log-${line.level}`}>
                  <td class="nowrap">{formatTime(line.at)}</td>
                  <td>{line.level}</td>
                  <td class="mono" title={line.stackRunId}>
                    {shortId(line.stackRunId)}
                  </td>
                  <td class="message">{line.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
