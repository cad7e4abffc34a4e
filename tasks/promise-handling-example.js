/**
 * @task promise-handling-example
 * @description Shows promise handling across suspensions: sequential awaits, Promise.all of parallel nested calls, and try/catch of a failing nested call.
 * @param {object} input - Input parameters
 * @param {number} [input.n] - The number to start from (default 2)
 * @param {number[]} [input.parallel] - The numbers squared in parallel (default [1, 2, 3])
 * @returns {object} `{sequential, parallel, caught, settled}`
 */
export async function runTask(input, tools) {
  const n = input && typeof input.n === "number" ? input.n : 2;
  const numbers = input && Array.isArray(input.parallel) ? input.parallel : [1, 2, 3];

  // Sequential: the second call starts only after the first one's result came back.
  const first = await tools.tasks.execute("square", { n });
  const second = await tools.tasks.execute("square", { n: first.result });
  tools.log("info", `sequential: ${n} -> ${first.result} -> ${second.result}`);

  // Parallel: every call is made before the first await, so the run suspends once on all of them.
  const squares = await Promise.all(numbers.map((value) => tools.tasks.execute("square", { n: value })));
  tools.log("info", `parallel: ${squares.length} calls`);

  // A failed nested call rejects the awaited promise: a plain try/catch handles it.
  let caught;
  try {
    await tools.tasks.execute("fail", { message: "expected failure", code: "EXPECTED" });
    caught = { caught: false };
  } catch (error) {
    caught = { caught: true, name: error.name, code: error.code, message: error.message };
    tools.log("warn", `caught: ${error.message}`);
  }

  // allSettled keeps every outcome, fulfilled or rejected.
  const settled = await Promise.allSettled([tools.tasks.execute("echo", { hello: "world" }), tools.tasks.execute("fail", {})]);

  return {
    sequential: [n, first.result, second.result],
    parallel: squares.map((square) => square.result),
    caught,
    settled: settled.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : { rejected: outcome.reason.message })),
  };
}
