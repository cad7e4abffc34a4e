import { readdirSync, readFileSync } from "node:fs";

/** CPU milliseconds used so far, by label (a process, a kind of thread, a server). */
export type CpuReading = Map<string, number>;

/** User + system CPU milliseconds of a `/proc/.../stat` line (Linux, 100 ticks a second), and the thread's or process's name. */
function statOf(path: string): { name: string; ms: number } | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(") ") + 2).split(" ");
  return { name: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")), ms: (Number(fields[11]) + Number(fields[12])) * 10 };
}

/**
 * Each process's CPU so far, as `<label>` (all its threads) and `<label> <thread kind>` for each kind
 * of thread: its name without digits (Node's `MainThread`, `V8Worker` for V8's helper threads, mostly
 * the garbage collector's, and `WorkerThread` for worker threads such as the sandbox's). A thread that
 * ended before the reading is counted in the process's total only.
 */
export function processCpu(processes: ReadonlyMap<string, { pid?: number }>): CpuReading {
  const reading: CpuReading = new Map();
  for (const [label, { pid }] of processes) {
    if (pid === undefined) continue;
    const total = statOf(`/proc/${pid}/stat`);
    if (total === undefined) continue;
    reading.set(label, total.ms);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const thread = statOf(`/proc/${pid}/task/${tid}/stat`);
      if (thread === undefined) continue;
      const key = `${label} ${thread.name.replace(/\d+$/, "")}`;
      reading.set(key, (reading.get(key) ?? 0) + thread.ms);
    }
  }
  return reading;
}

/**
 * The CPU so far of every `postgres` and `nats-server` process on the machine, by name: the servers
 * the system uses, with whatever else uses them meanwhile (nothing, on a quiet machine).
 */
export function serverCpu(names: readonly string[] = ["postgres", "nats-server"]): CpuReading {
  const reading: CpuReading = new Map(names.map((name) => [name, 0]));
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    const process = statOf(`/proc/${pid}/stat`);
    if (process !== undefined && reading.has(process.name)) reading.set(process.name, reading.get(process.name)! + process.ms);
  }
  return reading;
}

/** `after - before` per label, divided by `runs`, as `label ms` pairs (labels seen in `after`; a label new since `before` counts from 0). */
export function cpuPerRun(before: CpuReading, after: CpuReading, runs: number): [string, number][] {
  return [...after].map(([label, ms]) => [label, (ms - (before.get(label) ?? 0)) / runs]);
}
