import type { TaskerSystem } from "@tasker/testing";

/**
 * Publishes the e2e workloads' tasks on `tasker`: `bench-echo` (W1, W4: returns its input),
 * `bench-square` (`{x}` → x²), `bench-sequential` (W2: `{n}` → the squares of 0..n-1, one nested
 * `bench-square` call after the other) and `bench-parallel` (W3: the same, all at once with `Promise.all`).
 */
export async function publishBenchTasks(tasker: TaskerSystem): Promise<void> {
  await tasker.publish("bench-echo", "module.exports = async (input) => input;");
  await tasker.publish("bench-square", "module.exports = async (input) => input.x * input.x;");
  await tasker.publish(
    "bench-sequential",
    `module.exports = async (input, { tools }) => {
       const squares = [];
       for (let x = 0; x < input.n; x++) squares.push(await tools.tasks.execute("bench-square", { x }));
       return squares;
     };`,
  );
  await tasker.publish(
    "bench-parallel",
    `module.exports = async (input, { tools }) =>
       Promise.all(Array.from({ length: input.n }, (_, x) => tools.tasks.execute("bench-square", { x })));`,
  );
}
