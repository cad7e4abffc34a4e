/**
 * What a VM's thread is doing, readable from another thread while that one cannot answer (it is
 * inside a native built-in or the compiler): nothing, task code, or compiling a module. A pool that
 * stops a worker at a deadline reads it to tell `COMPILE_TIME_LIMIT` from the time limits.
 */
export const Activity = { idle: 0, running: 1, compiling: 2 } as const;
export type Activity = (typeof Activity)[keyof typeof Activity];

/** Where VMs report what they are doing. */
export interface ActivityMarker {
  set(activity: Activity): void;
}

/** A marker in one shared `Int32Array` slot: written by the worker's VMs, read by the pool. */
export class SharedActivity implements ActivityMarker {
  private readonly view: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.view = new Int32Array(buffer);
  }

  set(activity: Activity): void {
    Atomics.store(this.view, 0, activity);
  }

  get(): Activity {
    return Atomics.load(this.view, 0) as Activity;
  }
}

/** The marker of VMs run on the caller's own thread: nobody reads it. */
export const UNWATCHED: ActivityMarker = { set: () => undefined };
