/**
 * What the fake does instead of answering: an error status in Google's format (`retryAfter`: the
 * `Retry-After` header, seconds or an HTTP date), a delay (ms) before the real answer, a 200 with a
 * truncated JSON body, or a dropped connection.
 */
export type FakeFault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string; readonly message?: string }
  | { readonly kind: "delay"; readonly ms: number }
  | { readonly kind: "malformed" }
  | { readonly kind: "reset" };

interface Planned<Fault> {
  readonly fault: Fault;
  readonly path: string;
  /** Left to apply; undefined: every time. */
  left: number | undefined;
}

/** The faults still to apply, first added first; owns the timers of delays (cleared by `clear`). Any fake's faults (`Fault`). */
export class FaultPlan<Fault = FakeFault> {
  readonly #planned: Planned<Fault>[] = [];
  readonly #timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  add(fault: Fault, path: string, times: number | undefined): void {
    this.#planned.push({ fault, path, left: times });
  }

  /** The fault for a request to `path`, counting it down; undefined: answer normally. */
  take(path: string): Fault | undefined {
    const index = this.#planned.findIndex((planned) => path.startsWith(planned.path));
    if (index < 0) return undefined;
    const planned = this.#planned[index]!;
    if (planned.left !== undefined && --planned.left <= 0) this.#planned.splice(index, 1);
    return planned.fault;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => (this.#timers.delete(entry), resolve()), ms), resolve };
      this.#timers.add(entry);
    });
  }

  /** Forgets every fault and ends every delay at once. */
  clear(): void {
    this.#planned.length = 0;
    for (const entry of this.#timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.#timers.clear();
  }
}
