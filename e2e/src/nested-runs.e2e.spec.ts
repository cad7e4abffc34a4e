import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskerSystem } from "@tasker/testing";

let tasker: TaskerSystem;

beforeAll(async () => {
  tasker = await TaskerSystem.start({ TASKER_MAX_DEPTH: "12", TASKER_CPU_MS_PER_ACTIVATION: "8000" });
  await tasker.publishExamples("nested-calls-test", "echo", "square", "fail");
  await tasker.publish(
    "fan-out",
    `export async function runTask(input, tools) {
       const squares = await Promise.all(Array.from({ length: input.n }, (_, i) => tools.tasks.execute("square", { n: i })));
       return squares.map((square) => square.result);
     }`,
  );
  await tasker.publish(
    "catch-child",
    `module.exports = async (input, context) => {
       try {
         await context.tools.tasks.execute("fail", { message: "the child gave up", code: "CHILD_GAVE_UP" });
         return { caught: false };
       } catch (error) {
         return { caught: true, message: error.message, code: error.code };
       }
     };`,
  );
  await tasker.publish("uncaught-child", `module.exports = async (input, { tools }) => tools.tasks.execute("fail", { message: "nobody caught me", code: "LOUD" });`);
  await tasker.publish(
    "unknown-child",
    `export default async function (input, tools) {
       try {
         await tools.tasks.execute("no-such-task", {});
       } catch (error) {
         return { code: error.code, message: error.message };
       }
     }`,
  );
  await tasker.publish(
    "other-method",
    `module.exports = async () => {
       try { return await __callHostTool__("tasks", ["other"], ["echo", {}]); } catch (error) { return { code: error.code }; }
     };`,
  );
  await tasker.publish("busy-start", `module.exports = async (input) => { let x = 0; for (let i = 0; i < input.spin; i++) x += i % 3; return x; };`);
  await tasker.publish(
    "square-chain",
    `module.exports = async (input, { tools }) => {
       const squares = [];
       for (let n = 0; n < 4; n++) squares.push((await tools.tasks.execute("square", { n })).result);
       squares.push((await Promise.all([4, 5, 6].map((n) => tools.tasks.execute("square", { n })))).map((square) => square.result));
       return squares;
     };`,
  );
  await tasker.publish(
    "sometimes-deep",
    `module.exports = async (input, { tools }) => {
       console.log("child " + input.n);
       return input.deep ? (await tools.tasks.execute("square", { n: input.n })).result : input.n;
     };`,
  );
  await tasker.publish(
    "sometimes-deep-chain",
    `module.exports = async (input, { tools }) => {
       const got = [];
       for (const [n, deep] of [[1, false], [2, false], [3, true], [4, false], [5, false], [6, false]]) got.push(await tools.tasks.execute("sometimes-deep", { n, deep }));
       return got;
     };`,
  );
  await tasker.publish("forever", `module.exports = async (input, { tools }) => tools.tasks.execute("forever", { level: (input.level || 0) + 1 });`);
});

afterAll(async () => {
  await tasker?.stop();
});

/** A stack run as `GET /tasks/:id/tree` shows it, as far as these tests read it. */
interface TreeNode {
  status: string;
  attempts: number;
  activations: { kind: string }[];
  children: TreeNode[];
}

function depthOf(result: unknown): number {
  let depth = 0;
  for (let level = result as { nestedResult?: unknown }; level.nestedResult; level = level.nestedResult as { nestedResult?: unknown }) depth++;
  return depth;
}

describe("nested runs, every service in its own process", () => {
  it("completes nested-calls-test at depth 10 with the nested results", async () => {
    const run = await tasker.run("nested-calls-test", { depth: 10 });
    expect(run.status).toBe("completed");
    expect(depthOf(run.result)).toBe(10);
    expect((run.result as { depth: number }).depth).toBe(10);
    const starts = run.logs.filter((log) => log.message.startsWith("Starting nested calls test"));
    expect(starts.map((log) => log.message)).toEqual(Array.from({ length: 11 }, (_, i) => `Starting nested calls test at depth ${10 - i}`));
  });

  it("completes a Promise.all of 20 nested tasks with every result", async () => {
    const run = await tasker.run("fan-out", { n: 20 });
    expect(run.status).toBe("completed");
    expect(run.result).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
  });

  it("lets a parent catch a failing child", async () => {
    const run = await tasker.run("catch-child", {});
    expect(run.result).toEqual({ caught: true, message: "the child gave up", code: "CHILD_GAVE_UP" });
  });

  it("fails the run with the child's error when nobody catches it", async () => {
    const run = await tasker.run("uncaught-child", {});
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ code: "LOUD", message: "nobody caught me" });
  });

  it("makes an unknown nested task a catchable error, recorded failed once", async () => {
    const run = await tasker.run("unknown-child", {});
    expect(run.result).toMatchObject({ code: "TASK_NOT_FOUND" });
    const events = await tasker.events(`run:${run.taskRunId}`);
    expect(events.filter((event) => event.type === "stack.failed").map((event) => (event.data as { error: { code: string } }).error.code)).toEqual(["TASK_NOT_FOUND"]);
  });

  it("refuses a tasks call that is not execute(name, input), and never runs it", async () => {
    const run = await tasker.run("other-method", {});
    expect(run.result).toMatchObject({ code: "INVALID_ARGUMENT" });
    const events = await tasker.events(`run:${run.taskRunId}`);
    const [child] = events.filter((event) => event.type === "stack.created" && (event.data as { parentStackRunId: string | null }).parentStackRunId !== null);
    const childId = (child!.data as { stackRunId: string }).stackRunId;
    expect(events.filter((event) => (event.data as { stackRunId?: string }).stackRunId === childId).map((event) => event.type)).toEqual(["stack.created", "stack.failed"]);
  });

  it("fails a task that calls itself forever at the depth limit", async () => {
    const run = await tasker.run("forever", {});
    expect(run.status).toBe("failed");
    expect(run.error?.code).toBe("MAX_DEPTH_EXCEEDED");
    expect(run.error?.message).toContain("TASKER_MAX_DEPTH");
  });

  it("shows a run processing while its first activation is under way", async () => {
    const taskRunId = await tasker.submit("busy-start", { spin: 20_000_000 });
    const seen: string[] = [];
    for (;;) {
      const { status } = (await tasker.request<{ status: string }>("GET", `/tasks/${taskRunId}`)).body;
      if (seen.at(-1) !== status) seen.push(status);
      if (status === "completed" || status === "failed") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen).toEqual([...(seen[0] === "queued" ? ["queued"] : []), "processing", "completed"]);
  });

  it("records a nested task that starts quickly and ends with the activation that called it, its outcome, logs and tree as from the bus", async () => {
    const run = await tasker.run("square-chain", {});
    expect(run.status).toBe("completed");
    expect(run.result).toEqual([0, 1, 4, 9, [16, 25, 36]]);
    const events = await tasker.events(`run:${run.taskRunId}`);
    const children = events.filter((event) => event.type === "stack.created" && (event.data as { parentStackRunId: string | null }).parentStackRunId !== null);
    const endOf = (stackRunId: string) => events.find((event) => event.type === "stack.completed" && (event.data as { stackRunId: string }).stackRunId === stackRunId)!;
    // Once this executor saw the task start quickly and end, its next calls start before their parent's activation is recorded.
    const together = children.map((child) => endOf((child.data as { stackRunId: string }).stackRunId).metadata.recordedAt === child.metadata.recordedAt);
    expect(together.slice(1)).toContain(true);
    const tree = (await tasker.request<TreeNode>("GET", `/tasks/${run.taskRunId}/tree`)).body;
    expect(tree.children.map((child) => [child.status, child.attempts, child.activations.map((activation) => activation.kind)])).toEqual(children.map(() => ["completed", 1, ["start"]]));
  });

  it("runs a nested task that suspended where it was started before its parent was recorded once, from its start, with its logs once", async () => {
    const run = await tasker.run("sometimes-deep-chain", {});
    expect(run.status).toBe("completed");
    expect(run.result).toEqual([1, 2, 9, 4, 5, 6]);
    expect(run.logs.filter((log) => log.message.startsWith("child ")).map((log) => log.message)).toEqual(["child 1", "child 2", "child 3", "child 4", "child 5", "child 6"]);
    const tree = (await tasker.request<TreeNode>("GET", `/tasks/${run.taskRunId}/tree`)).body;
    expect(tree.children.map((child) => [child.status, child.attempts])).toEqual(Array.from({ length: 6 }, () => ["completed", 1]));
    expect(tree.children[2]!.children.map((grandchild) => grandchild.status)).toEqual(["completed"]);
  });

  it("completes 100 concurrent submissions", async () => {
    const ids = await Promise.all(Array.from({ length: 100 }, (_, i) => tasker.submit("echo", { i })));
    const runs = await Promise.all(ids.map((id) => tasker.result(id, 60)));
    expect(runs.map((run) => run.status)).toEqual(ids.map(() => "completed"));
    expect(runs.map((run) => run.result)).toEqual(ids.map((_, i) => ({ echo: { i } })));
  });
});
