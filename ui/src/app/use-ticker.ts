import { useEffect, useState } from "preact/hooks";

/** Renders the component again every `everyMs` while `active`: durations and bars of what is still running grow. */
export function useTicker(active: boolean, everyMs = 1000): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((tick) => tick + 1), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
}
