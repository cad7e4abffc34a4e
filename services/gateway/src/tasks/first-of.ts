/**
 * Resolves on the first of: `ms` milliseconds passed, `wake` resolved, `signal` aborted. Leaves no
 * timer or abort listener behind. How a request held for a run (a wait for its end, a feed of its
 * events) sleeps until there is something to look at.
 */
export function firstOf(ms: number, wake: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) return done();
    signal.addEventListener("abort", done, { once: true });
    void wake.then(done);
  });
}
