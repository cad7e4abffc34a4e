/**
 * @task shared/gapi-helper
 * @description Helper module (not a task): Google API calls through the gapi service, each returning {success, ...} instead of throwing. Load it with `await context.tasks.require("../shared/gapi-helper")`.
 * @param {object} context - The task's context (its second argument)
 * @returns {object} `{listDomains, listUsers, listGmailMessages, callGapi}`
 */

// Every call goes through the one primitive the sandbox offers: the method path as an array of
// names, the arguments as an array. The task suspends until the gapi service has answered.
async function callGapi(path, args) {
  try {
    return { success: true, data: await __callHostTool__("gapi", path, [args]) };
  } catch (error) {
    return { success: false, error: error.message, code: error.code };
  }
}

/** The Google Workspace domains of a customer: `{success, domains}` or `{success: false, error}`. */
async function listDomains(context, options) {
  const customer = (options && options.customer) || "my_customer";
  const answer = await callGapi(["admin", "directory", "domains", "list"], { customer });
  if (!answer.success) return answer;
  return { success: true, domains: (answer.data && answer.data.domains) || [] };
}

/** The users of one domain: `{success, users}` or `{success: false, error}`. */
async function listUsers(context, options) {
  const args = { maxResults: (options && options.maxResults) || 100, orderBy: "email" };
  if (options && options.domain) args.domain = options.domain;
  else args.customer = (options && options.customer) || "my_customer";
  const answer = await callGapi(["admin", "directory", "users", "list"], args);
  if (!answer.success) return answer;
  return { success: true, users: (answer.data && answer.data.users) || [] };
}

/** A user's Gmail messages matching `q`: `{success, messages, resultSizeEstimate}` or `{success: false, error}`. */
async function listGmailMessages(context, options) {
  const args = {
    userId: (options && options.userId) || "me",
    q: (options && options.q) || "",
    maxResults: (options && options.maxResults) || 10,
  };
  const answer = await callGapi(["gmail", "users", "messages", "list"], args);
  if (!answer.success) return answer;
  const data = answer.data || {};
  return { success: true, messages: data.messages || [], resultSizeEstimate: data.resultSizeEstimate || 0 };
}

module.exports = { callGapi, listDomains, listUsers, listGmailMessages };
