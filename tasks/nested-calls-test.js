/**
 * @task nested-calls-test
 * @description Calls itself with depth-1 until depth 0: each level suspends while its child runs, then resumes with the child's result.
 * @param {object} input - Input parameters
 * @param {number} [input.depth] - How many levels of nested calls to make below this one (default 1)
 * @returns {object} `{depth, startTime, nestedResult, endTime, durationMs}`, nested once per level
 */
export default async function nestedCallsTest(input, tools) {
  const depth = input && input.depth !== undefined ? input.depth : 1;
  if (!Number.isInteger(depth) || depth < 0) {
    throw new TypeError(`input.depth must be a non-negative integer, got ${JSON.stringify(depth)}`);
  }
  const startTime = new Date();
  console.log(`Starting nested calls test at depth ${depth}`);

  const result = { depth, startTime: startTime.toISOString() };
  if (depth > 0) {
    console.log(`Making nested call at depth ${depth}`);
    // The run suspends here until the child's run of this same task has completed.
    result.nestedResult = await tools.tasks.execute("nested-calls-test", { depth: depth - 1 });
  }

  // Date is the activation's recorded time, so this measures the time spent suspended too.
  const endTime = new Date();
  result.endTime = endTime.toISOString();
  result.durationMs = endTime.getTime() - startTime.getTime();
  return result;
}
