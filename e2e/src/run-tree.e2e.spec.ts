import type { StackRunTreeNode } from "@tasker/contracts";
import { TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let tasker: TaskerSystem;

const ROOT = `module.exports = async (input, { tools }) => {
  const slept = await tools.tasks.execute("tree-child", { ms: input.ms });
  return "root saw " + slept;
};`;
const CHILD = `module.exports = async (input, { tools }) => {
  await tools.sleep(input.ms);
  return "slept " + input.ms;
};`;

beforeAll(async () => {
  tasker = await TaskerSystem.start();
  await tasker.publish("tree-root", ROOT);
  await tasker.publish("tree-child", CHILD);
});

afterAll(async () => {
  await tasker?.stop();
});

async function tree(taskRunId: string): Promise<StackRunTreeNode> {
  const { status, body } = await tasker.request<StackRunTreeNode>("GET", `/tasks/${taskRunId}/tree`);
  expect(status).toBe(200);
  return body;
}

/** The tree once `ready` holds of it. */
async function treeWhen(taskRunId: string, ready: (root: StackRunTreeNode) => boolean): Promise<StackRunTreeNode> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const root = await tree(taskRunId);
    if (ready(root)) return root;
    if (Date.now() > deadline) throw new Error(`the tree never got there: ${JSON.stringify(root)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const kinds = (node: StackRunTreeNode | undefined) => node?.activations.map((activation) => `${activation.n}:${activation.kind}`);

describe("a run's tree, every service in its own process", () => {
  it("shows root → child task → sleep, each under its caller, with its activations: started, then resumed on the cached VM", async () => {
    const taskRunId = await tasker.submit("tree-root", { ms: 100 });
    expect((await tasker.result(taskRunId)).status).toBe("completed");
    const root = await tree(taskRunId);
    expect(root).toMatchObject({ parentStackRunId: null, seq: null, service: "tasks", method: ["execute"], taskName: "tree-root", status: "completed", attempts: 1 });
    expect(kinds(root)).toEqual(["1:start", "2:cache"]);
    expect(root.children).toHaveLength(1);
    const child = root.children[0]!;
    expect(child).toMatchObject({ parentStackRunId: root.stackRunId, seq: 0, service: "tasks", taskName: "tree-child", status: "completed" });
    expect(kinds(child)).toEqual(["1:start", "2:cache"]);
    expect(child.children).toEqual([
      expect.objectContaining({ parentStackRunId: child.stackRunId, seq: 0, service: "sleep", status: "completed", activations: [], children: [] }),
    ]);
    for (const node of [root, child, child.children[0]!]) {
      expect(Date.parse(node.endedAt!)).toBeGreaterThanOrEqual(Date.parse(node.createdAt));
      for (const activation of node.activations) expect(activation.durationMs).toBeGreaterThanOrEqual(0);
    }
    // The sleep's 100 ms lie between the child's two activations.
    expect(Date.parse(child.activations[1]!.at) - Date.parse(child.activations[0]!.at)).toBeGreaterThanOrEqual(100);
    // The stack runs are gone from the read model; the tree comes from the events.
    expect(await tasker.sql("SELECT 1 FROM stack_runs WHERE task_run_id = $1", [taskRunId])).toEqual([]);
  });

  it("shows a run live while it waits, and a replay once the executor that held its VMs was restarted", async () => {
    const taskRunId = await tasker.submit("tree-root", { ms: 1500 });
    const waiting = await treeWhen(taskRunId, (root) => root.children[0]?.status === "suspended");
    expect(waiting).toMatchObject({ status: "suspended", activations: [{ n: 1, kind: "start" }] });
    expect(waiting.children[0]!.children[0]).toMatchObject({ service: "sleep", status: "pending" });
    expect(waiting.children[0]!.endedAt).toBeUndefined();

    await tasker.kill("executor", "SIGKILL");
    await tasker.startService("executor");
    expect((await tasker.result(taskRunId, 60)).status).toBe("completed");
    const root = await tree(taskRunId);
    expect(kinds(root)).toEqual(["1:start", "2:replay"]);
    expect(kinds(root.children[0])).toEqual(["1:start", "2:replay"]);
  });
});
