/**
 * @task sleepy-reminder
 * @description Takes `steps` steps with a durable sleep of `sleepMs` between them (the run is suspended
 * while it sleeps: no process holds it), logging each step.
 * @param {object} input - Input parameters
 * @param {number} input.steps - How many steps to take (default 3)
 * @param {number} input.sleepMs - Milliseconds to sleep before each step (default 1000)
 * @returns {object} `{steps, wokeAt}` where wokeAt holds the ISO time of each wake-up
 */
export async function runTask(input, tools) {
  const steps = input.steps ?? 3;
  const sleepMs = input.sleepMs ?? 1000;
  const wokeAt = [];
  for (let step = 1; step <= steps; step++) {
    await tools.sleep(sleepMs);
    wokeAt.push(new Date().toISOString());
    console.log(`step ${step} of ${steps}, after sleeping ${sleepMs} ms`);
  }
  return { steps, wokeAt };
}
