/** Resolves once `condition` holds, polling; rejects after `timeoutMs`, saying `what` was waited for. */
export async function eventually(condition: () => boolean | Promise<boolean>, what = "the condition held", timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
