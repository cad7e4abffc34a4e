/**
 * @task echo
 * @description Returns its input unchanged: the smallest nested call.
 * @param {object} input - Any JSON value
 * @returns {object} `{echo: input}`
 */
export default async function echo(input) {
  return { echo: input };
}
