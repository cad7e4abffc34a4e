/**
 * @task fail
 * @description Always fails with the given message and code: lets a caller show how a failed nested call is caught.
 * @param {object} input - Input parameters
 * @param {string} [input.message] - The error message (default "failed on purpose")
 * @param {string} [input.code] - The error code (default "EXAMPLE_FAILURE")
 * @returns {never} Never returns
 */
module.exports = async function fail(input) {
  const error = new Error((input && input.message) || "failed on purpose");
  error.code = (input && input.code) || "EXAMPLE_FAILURE";
  throw error;
};
