/**
 * @task comprehensive-gmail-search
 * @description Searches Gmail across every Google Workspace domain: lists the domains, the users of each, and each user's messages matching a query, suspending at every Google API call.
 * @uses gapi
 * @param {object} input - Input parameters
 * @param {string} [input.gmailSearchQuery] - Gmail search query (default "in:inbox")
 * @param {number} [input.maxResultsPerUser] - Max messages per user (default 3)
 * @param {number} [input.maxUsersPerDomain] - Max users searched per domain (default 5)
 * @returns {object} `{success, summary, domainResults}` or `{success: false, error}`
 */
module.exports = async function comprehensiveGmailSearch(input, context) {
  const gapi = await context.tasks.require("../shared/gapi-helper");
  const query = (input && input.gmailSearchQuery) || "in:inbox";
  const maxResultsPerUser = (input && input.maxResultsPerUser) || 3;
  const maxUsersPerDomain = (input && input.maxUsersPerDomain) || 5;
  const startedAt = Date.now();

  const domains = await gapi.listDomains(context, { customer: "my_customer" });
  if (!domains.success) return { success: false, step: "listDomains", error: domains.error };
  console.log(`Searching ${domains.domains.length} domains for "${query}"`);

  const domainResults = [];
  for (const domain of domains.domains) {
    const domainName = domain.domainName;
    const users = await gapi.listUsers(context, { domain: domainName, maxResults: maxUsersPerDomain });
    if (!users.success) {
      domainResults.push({ domain: domainName, error: users.error, users: [] });
      continue;
    }
    // Search every user of the domain at once: one suspension for all of their searches.
    const chosen = users.users.slice(0, maxUsersPerDomain);
    const searches = await Promise.all(
      chosen.map((user) => gapi.listGmailMessages(context, { userId: user.primaryEmail, q: query, maxResults: maxResultsPerUser })),
    );
    const userResults = chosen.map((user, index) => ({
      email: user.primaryEmail,
      success: searches[index].success,
      messageCount: searches[index].success ? searches[index].messages.length : 0,
      messages: searches[index].success ? searches[index].messages : [],
      error: searches[index].success ? undefined : searches[index].error,
    }));
    const emails = userResults.reduce((total, user) => total + user.messageCount, 0);
    console.log(`${domainName}: ${userResults.length} users, ${emails} messages`);
    domainResults.push({ domain: domainName, users: userResults, totalEmails: emails });
  }

  const usersProcessed = domainResults.reduce((total, result) => total + result.users.length, 0);
  const totalEmails = domainResults.reduce((total, result) => total + (result.totalEmails || 0), 0);
  return {
    success: true,
    summary: {
      query,
      domainsProcessed: domainResults.length,
      usersProcessed,
      totalEmails,
      durationMs: Date.now() - startedAt,
    },
    domainResults,
  };
};
