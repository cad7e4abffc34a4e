/**
 * Resolves on the first of: `ms` milliseconds passed, `wake` resolved (with its value), `signal`
 * aborted (with undefined, as when the time passed). Leaves no timer or abort listener behind. How a
 * request held for a run (a wait for its end, a feed of its events) sleeps until there is something
 * to look at.
 */
export function firstOf<T>(ms: number, wake: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve) => {
    const done = (value?: T) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
      resolve(value);
    };
    const stop = () => done();
    const timer = setTimeout(stop, ms);
    if (signal.aborted) return stop();
    signal.addEventListener("abort", stop, { once: true });
    void wake.then(done);
  });
}
