import { useState } from "preact/hooks";
import type { StackRunTreeNode } from "../api/types";
import { elapsed, formatDuration, shortId } from "../app/format";
import { StatusBadge } from "../app/status-badge";
import { stackRunLabel, waitingOn } from "./stack-run-label";

/** A node lists this many of its calls until asked for all (a run may make thousands). */
const CALLS_SHOWN = 100;

/** The run's stack runs as an expandable tree: each with its call, status, duration, attempts, error and what it waits on now. */
export function CallTree({ root }: { root: StackRunTreeNode }) {
  return (
    <ul class="tree" aria-label="Call tree">
      <TreeNode node={root} depth={0} />
    </ul>
  );
}

function TreeNode({ node, depth }: { node: StackRunTreeNode; depth: number }) {
  // The root and its calls show at first; deeper calls open on demand.
  const [open, setOpen] = useState(depth === 0);
  const [all, setAll] = useState(false);
  const shown = all ? node.children : node.children.slice(0, CALLS_SHOWN);
  const waits = waitingOn(node);
  const started = node.startedAt ?? node.createdAt;
  const childrenId = `children-${node.stackRunId}`;
  return (
    <li data-stack-run-id={node.stackRunId}>
      <div class="node">
        {node.children.length > 0 ? (
          <button type="button" class="toggle" aria-expanded={open} aria-controls={childrenId} onClick={() => setOpen(!open)}>
            <span aria-hidden="true">{open ? "▾" : "▸"}</span>
            <span class="visually-hidden">{open ? "Collapse" : "Expand"} {stackRunLabel(node)}</span>
          </button>
        ) : (
          <span class="toggle-space" aria-hidden="true" />
        )}
        <span class="call mono">{stackRunLabel(node)}</span>
        {node.seq !== null && <span class="seq">#{node.seq}</span>}
        <StatusBadge status={node.status} />
        <span class="number">{formatDuration(elapsed(started, node.endedAt))}</span>
        {node.children.length > 0 && <span class="muted">{node.children.length === 1 ? "1 call" : `${node.children.length} calls`}</span>}
        {node.attempts > 1 && <span class="muted">{node.attempts} attempts</span>}
        <span class="muted mono" title={node.stackRunId}>
          {shortId(node.stackRunId)}
        </span>
        {node.error && (
          <span class="error-code">
            {String(node.error.code)}: {node.error.message}
          </span>
        )}
        {waits.length > 0 && <span class="waits">waits on {waits.map((child) => `#${child.seq} ${stackRunLabel(child)}`).join(", ")}</span>}
      </div>
      {node.children.length > 0 && open && (
        <ul id={childrenId}>
          {shown.map((child) => (
            <TreeNode key={child.stackRunId} node={child} depth={depth + 1} />
          ))}
          {shown.length < node.children.length && (
            <li>
              <button type="button" class="quiet" onClick={() => setAll(true)}>
                Show {node.children.length - shown.length} more calls
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}
