/**
 * @task square
 * @description Squares a number.
 * @param {object} input - Input parameters
 * @param {number} input.n - The number to square
 * @returns {object} `{n, result}` where result is n * n
 */
export async function runTask(input) {
  if (typeof input.n !== "number") throw new TypeError(`input.n must be a number, got ${JSON.stringify(input.n)}`);
  return { n: input.n, result: input.n * input.n };
}
