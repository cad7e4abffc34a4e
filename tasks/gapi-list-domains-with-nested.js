/**
 * @task gapi-list-domains-with-nested
 * @description Lists the Google Workspace domains through the gapi service and, on request, adds a nested module-diagnostic run.
 * @uses gapi
 * @param {object} input - Input parameters
 * @param {string} [input.customer] - The customer id (default "my_customer")
 * @param {boolean} [input.includeStats] - Also run module-diagnostic as a nested task
 * @returns {object} `{success, domains, stats?}` or `{success: false, error}`
 */
module.exports = async function execute(input, context) {
  const gapiHelper = await context.tasks.require("../shared/gapi-helper");
  const customer = (input && input.customer) || "my_customer";

  const domains = await gapiHelper.listDomains(context, { customer });
  if (!domains.success) {
    console.error(`Error listing domains: ${domains.error}`);
    return { success: false, error: domains.error };
  }
  console.log(`Found ${domains.domains.length} domains`);

  if (input && input.includeStats) {
    const stats = await context.tools.tasks.execute("module-diagnostic", { checkGlobalScope: true });
    return { success: true, domains: domains.domains, stats };
  }
  return { success: true, domains: domains.domains };
};
