import type { StackRunTreeNode } from "../api/types";
import { formatDuration, formatTime } from "../app/format";
import { flatten, stackRunLabel } from "./stack-run-label";

interface Segment {
  kind: "pending" | "suspended" | "active";
  from: number;
  to: number;
  title: string;
}

/**
 * A stack run's time, in milliseconds since epoch: waiting to be taken (`pending`; a sleep waits for its timer), each activation
 * (`active`: the VM ran; a wrapped service's call is active from its start to its end) and the time
 * between (`suspended`: waiting on its calls). A stack run not ended lasts until `axisEnd`.
 */
function segmentsOf(node: StackRunTreeNode, axisEnd: number): Segment[] {
  const created = Date.parse(node.createdAt);
  const end = node.endedAt === undefined ? axisEnd : Date.parse(node.endedAt);
  const firstActivation = node.activations[0];
  const started = node.startedAt !== undefined ? Date.parse(node.startedAt) : firstActivation !== undefined ? Date.parse(firstActivation.at) : end;
  const segments: Segment[] = [{ kind: "pending", from: created, to: started, title: `waiting ${formatDuration(started - created)}` }];
  if (node.activations.length === 0) {
    if (node.startedAt !== undefined) segments.push({ kind: "active", from: started, to: end, title: `running ${formatDuration(end - started)}` });
    return segments;
  }
  let cursor = started;
  for (const activation of node.activations) {
    const at = Date.parse(activation.at);
    if (at > cursor) segments.push({ kind: "suspended", from: cursor, to: at, title: `suspended ${formatDuration(at - cursor)}` });
    segments.push({ kind: "active", from: at, to: at + activation.durationMs, title: `activation ${activation.n} (${activation.kind}) at ${formatTime(activation.at)}, ${formatDuration(activation.durationMs)}` });
    cursor = Math.max(cursor, at + activation.durationMs);
  }
  if (end > cursor) segments.push({ kind: "suspended", from: cursor, to: end, title: `suspended ${formatDuration(end - cursor)}` });
  return segments;
}

/** The timeline draws this many stack runs, depth first (the call tree has them all). */
const LANES_SHOWN = 200;

/**
 * A horizontal bar per stack run on one time axis: its waits to start, activations and suspended time.
 * The axis ends now while the run is live, else at the last recorded end: a call left unsettled by
 * the run's end (one made by an unawaited call) is drawn up to there, not on to the clock.
 */
export function Timeline({ root, live }: { root: StackRunTreeNode; live: boolean }) {
  const now = Date.now();
  const rows = flatten(root);
  const start = Date.parse(root.createdAt);
  const end = Math.max(start + 1, ...rows.map(({ node }) => (node.endedAt === undefined ? (live ? now : start) : Date.parse(node.endedAt))));
  const at = (ms: number) => `${(((ms - start) / (end - start)) * 100).toFixed(3)}%`;
  const width = (from: number, to: number) => `max(2px, ${(((Math.max(to, from) - from) / (end - start)) * 100).toFixed(3)}%)`;
  return (
    <div class="timeline">
      <div class="legend" aria-hidden="true">
        <span class="seg-pending swatch" /> waiting (to be taken, or for its timer) <span class="seg-active swatch" /> running <span class="seg-suspended swatch" /> suspended
      </div>
      <div class="axis">
        <span>0</span>
        <span>{formatDuration(end - start)}</span>
      </div>
      <ol class="lanes">
        {rows.slice(0, LANES_SHOWN).map(({ node, depth }) => (
          <li key={node.stackRunId} class="lane">
            <span class="lane-label mono" style={{ paddingLeft: `${depth * 0.8}rem` }} title={node.stackRunId}>
              {stackRunLabel(node)}
            </span>
            <span class="track" role="img" aria-label={`${stackRunLabel(node)}: ${node.status}`}>
              {segmentsOf(node, end).map((segment, index) => (
                <span key={index} class={`seg seg-${segment.kind}`} style={{ left: at(segment.from), width: width(segment.from, segment.to) }} title={segment.title} />
              ))}
            </span>
          </li>
        ))}
      </ol>
      {rows.length > LANES_SHOWN && <p class="muted">The first {LANES_SHOWN} of {rows.length} stack runs; the call tree has them all.</p>}
    </div>
  );
}
