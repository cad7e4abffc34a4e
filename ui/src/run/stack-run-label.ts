import type { StackRunTreeNode } from "../api/types";

/** What a stack run calls, for a person: `tasks.execute nested-calls-test`, `gapi.admin.domains.list`, `sleep`. */
export function stackRunLabel(node: Pick<StackRunTreeNode, "service" | "method" | "taskName">): string {
  const call = [node.service, ...node.method].join(".");
  return node.taskName === undefined ? call : `${call} ${node.taskName}`;
}

/** Every stack run of the tree, depth first, with its depth (the root's is 0). */
export function flatten(root: StackRunTreeNode): { node: StackRunTreeNode; depth: number }[] {
  const rows: { node: StackRunTreeNode; depth: number }[] = [];
  const visit = (node: StackRunTreeNode, depth: number) => {
    rows.push({ node, depth });
    for (const child of node.children) visit(child, depth + 1);
  };
  visit(root, 0);
  return rows;
}

const OPEN = new Set(["pending", "processing", "suspended"]);

/** The calls a suspended stack run waits on now: its children not ended yet. */
export function waitingOn(node: StackRunTreeNode): StackRunTreeNode[] {
  return node.status === "suspended" ? node.children.filter((child) => OPEN.has(child.status)) : [];
}
