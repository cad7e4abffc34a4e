import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";

/** Loads `path` whenever it changes (`undefined`: nothing), with its error. */
export function useRead<T>(path: string | undefined): { value: T | undefined; error: Error | undefined } {
  const [state, setState] = useState<{ value: T | undefined; error: Error | undefined }>({ value: undefined, error: undefined });
  useEffect(() => {
    setState({ value: undefined, error: undefined });
    if (path === undefined) return;
    const stop = new AbortController();
    api<T>(path, { signal: stop.signal }).then(
      (value) => setState({ value, error: undefined }),
      (error: Error) => !stop.signal.aborted && setState({ value: undefined, error }),
    );
    return () => stop.abort();
  }, [path]);
  return state;
}
