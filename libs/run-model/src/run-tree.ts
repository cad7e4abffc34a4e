import { type ActivationKind, type ActivationView, type ErrorInfo, type RecordedEvent, type StackRunTreeNode, toErrorView } from "@tasker/contracts";
import { CANCELLED } from "./decisions/decide-cancel.js";

/** An activation begun and not yet ended: its number, when it began (epoch ms) and how it got its VM. */
interface OpenActivation {
  n: number;
  at: number;
  kind: ActivationKind;
}

type Node = StackRunTreeNode & { open?: OpenActivation };

const isOver = (node: Node) => node.status === "completed" || node.status === "failed" || node.status === "cancelled";

/**
 * The stack runs of a run as a tree, folded from its events (in stream order): the root stack run
 * with its calls as `children`, each call under the stack run that made it, in `seq` order; undefined
 * while the stream holds no root. Pure, and linear in the events: a run of thousands of stack runs
 * folds at once.
 *
 * An activation begins at the start (`stack.started`; kind `start`) or at `vm.resumed` (its `kind`),
 * and ends at `vm.suspended` or at the stack run's `stack.completed`/`stack.failed`, whose `durationMs`
 * the executor measured. Events recorded before those fields were: a resume counts as `cache`, and an
 * activation's duration is the time from its begin to the recording of its end. An activation under
 * way, or cut short by a cancel, is not listed.
 */
export function runTree(events: readonly RecordedEvent[]): StackRunTreeNode | undefined {
  const nodes = new Map<string, Node>();
  let root: Node | undefined;
  const whileNotOver = (stackRunId: string, change: (node: Node) => void) => {
    const node = nodes.get(stackRunId);
    if (node && !isOver(node)) change(node);
  };
  for (const event of events) {
    const recordedAt = event.metadata.recordedAt;
    switch (event.type) {
      case "stack.created": {
        const { stackRunId, parentStackRunId, seq, service, method, args } = event.data;
        if (nodes.has(stackRunId)) break;
        const taskName = service === "tasks" && typeof args[0] === "string" ? args[0] : undefined;
        const node: Node = { stackRunId, parentStackRunId, seq, service, method, ...(taskName === undefined ? {} : { taskName }), status: "pending", createdAt: recordedAt, activations: [], attempts: 0, children: [] };
        nodes.set(stackRunId, node);
        if (parentStackRunId === null) root ??= node;
        else nodes.get(parentStackRunId)?.children.push(node);
        break;
      }
      case "stack.started":
        whileNotOver(event.data.stackRunId, (node) => {
          node.status = "processing";
          node.startedAt ??= recordedAt;
          node.attempts = Math.max(node.attempts, event.data.attempt);
          if (node.service === "tasks" && node.activations.length === 0) node.open ??= { n: 1, at: Date.parse(recordedAt), kind: "start" };
        });
        break;
      case "vm.resumed":
        whileNotOver(event.data.stackRunId, (node) => {
          node.status = "processing";
          node.open = { n: event.data.activation, at: event.data.at, kind: event.data.kind ?? "cache" };
        });
        break;
      case "vm.suspended":
        whileNotOver(event.data.stackRunId, (node) => {
          node.status = "suspended";
          const { activation: n, at } = event.data;
          const kind = node.open?.n === n ? node.open.kind : n === 1 ? "start" : "cache";
          endActivation(node, { n, at, kind }, event.data.durationMs, recordedAt);
        });
        break;
      case "stack.completed":
      case "stack.failed":
        whileNotOver(event.data.stackRunId, (node) => {
          const error: ErrorInfo | undefined = event.type === "stack.failed" ? event.data.error : undefined;
          node.status = error === undefined ? "completed" : error.code === CANCELLED ? "cancelled" : "failed";
          node.endedAt = recordedAt;
          if (error) node.error = toErrorView(error);
          const { durationMs } = event.data;
          const open = node.open ?? (durationMs === undefined || node.service !== "tasks" ? undefined : { n: node.activations.length + 1, at: Date.parse(recordedAt) - durationMs, kind: "start" as const });
          // The start's recorded begin may be its claim's or, unclaimed, its outcome's: the measured duration places it better.
          if (open) endActivation(node, open.n === 1 && durationMs !== undefined ? { ...open, at: Date.parse(recordedAt) - durationMs } : open, durationMs, recordedAt);
        });
        break;
      case "run.cancelled":
        for (const node of nodes.values()) {
          if (isOver(node)) continue;
          node.status = "cancelled";
          node.endedAt = recordedAt;
          delete node.open;
        }
        break;
      default:
        break;
    }
  }
  for (const node of nodes.values()) {
    delete node.open;
    node.children.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }
  return root;
}

/** Lists `activation` of `node` as ended at `recordedAt` (once: a later copy of an activation is ignored). */
function endActivation(node: Node, activation: OpenActivation, durationMs: number | undefined, recordedAt: string): void {
  delete node.open;
  const last = node.activations.at(-1);
  if (last && last.n >= activation.n) return;
  const view: ActivationView = {
    n: activation.n,
    at: new Date(activation.at).toISOString(),
    kind: activation.kind,
    durationMs: durationMs ?? Math.max(0, Date.parse(recordedAt) - activation.at),
  };
  node.activations.push(view);
}
