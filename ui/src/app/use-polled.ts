import { useEffect, useState } from "preact/hooks";

/** What a polled read holds: its last answer, and the error of the last attempt (cleared by the next answer). */
export interface Polled<T> {
  value: T | undefined;
  error: Error | undefined;
}

/**
 * Calls `read` now and every `intervalMs` after each answer (never two at once), again from the start
 * whenever `deps` change; stops when the component goes.
 */
export function usePolled<T>(read: (signal: AbortSignal) => Promise<T>, intervalMs: number, deps: unknown[]): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ value: undefined, error: undefined });
  useEffect(() => {
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const value = await read(stop.signal);
        if (!stop.signal.aborted) setState({ value, error: undefined });
      } catch (error) {
        if (!stop.signal.aborted) setState((previous) => ({ value: previous.value, error: error as Error }));
      }
      if (!stop.signal.aborted) timer = setTimeout(tick, intervalMs);
    };
    setState({ value: undefined, error: undefined });
    void tick();
    return () => {
      stop.abort();
      clearTimeout(timer);
    };
  }, deps);
  return state;
}
