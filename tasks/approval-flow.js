/**
 * @task approval-flow
 * @description Waits for the signal "approve" (send it with `tasker signal <id> approve --payload
 * '{"approved":true,"by":"ann"}'` or `POST /tasks/<id>/signals/approve`) for at most `timeoutMs`; without
 * one by then, logs a reminder and gives up.
 * @param {object} input - Input parameters
 * @param {string} input.approver - Who is asked to approve
 * @param {number} input.timeoutMs - Milliseconds to wait for the signal (default one day)
 * @returns {object} `{approved, by}` from the signal's payload, or `{approved: false, remindedAt}` on timeout
 */
export async function runTask(input, tools) {
  const approver = input.approver;
  try {
    const payload = (await tools.signals.wait("approve", { timeoutMs: input.timeoutMs ?? 24 * 3600 * 1000 })) ?? {};
    return { approved: payload.approved !== false, by: payload.by ?? approver };
  } catch (error) {
    if (error.code !== "TIMEOUT") throw error;
    console.log(`reminder: ${approver} has not approved in time`);
    return { approved: false, remindedAt: new Date().toISOString() };
  }
}
