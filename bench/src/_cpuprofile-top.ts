// Sums the self time of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) by function and by package,
// optionally only over a window of the process's monotonic clock.
import { readFileSync } from "node:fs";

interface CpuProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC on Linux, as `process.hrtime`). */
  startTime: number;
  endTime: number;
  samples: number[];
  /** Microseconds between consecutive samples. */
  timeDeltas: number[];
}

/** One row of a top: share of the window's samples (0–100) and milliseconds of self time. */
export interface TopRow {
  name: string;
  percent: number;
  ms: number;
}

export interface ProfileTop {
  /** Milliseconds of samples in the window (idle included). */
  windowMs: number;
  /** Percentage of the window the process was busy (not `(idle)`). */
  busyPercent: number;
  byFunction: TopRow[];
  byPackage: TopRow[];
  /** Our own functions (libs/, services/) by total time, callees included: where the self time above comes from. */
  oursInclusive: TopRow[];
}

/** `node_modules/<pkg>` (scoped too), our workspace (`libs/<x>`, `services/<x>`, `tools/<x>`), `node:` internals, or V8's own bins. */
function packageOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (modules) return modules[1]!;
  const ours = /\/(libs|services|tools|bench)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith("node:")) return "node:internal";
  return url;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "~/").replace(/^.*\/(libs|services|tools|bench)\//, "$1/");
}

function frameName(functionName: string, url: string, lineNumber: number): string {
  return `${functionName || "(anonymous)"} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ""}`.trim();
}

function top(totals: Map<string, number>, all: number, count: number): TopRow[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, percent: Math.round((1000 * us) / all) / 10, ms: Math.round(us / 100) / 10 }));
}

/** The top `count` functions and packages by self time of `path`, over samples within [fromUs, toUs] (monotonic microseconds) when given. */
export function profileTop(path: string, count = 15, fromUs = -Infinity, toUs = Infinity): ProfileTop {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const oursInclusive = new Map<string, number>();
  const parents = new Map(profile.nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node.id] as const)));
  let at = profile.startTime;
  let all = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i]!;
    at += delta;
    if (at < fromUs || at > toUs) continue;
    const { functionName, url, lineNumber } = nodes.get(profile.samples[i]!)!.callFrame;
    all += delta;
    if (functionName === "(idle)") {
      idle += delta;
      continue;
    }
    const fn = frameName(functionName, url, lineNumber);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta);
    const onStack = new Set<string>();
    for (let id: number | undefined = profile.samples[i]!; id !== undefined; id = parents.get(id)) {
      const frame = nodes.get(id)!.callFrame;
      if (/\/(libs|services)\//.test(frame.url)) onStack.add(frameName(frame.functionName, frame.url, frame.lineNumber));
    }
    for (const fn of onStack) oursInclusive.set(fn, (oursInclusive.get(fn) ?? 0) + delta);
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + delta);
  }
  return {
    windowMs: Math.round(all / 1000),
    busyPercent: all === 0 ? 0 : Math.round((1000 * (all - idle)) / all) / 10,
    byFunction: top(byFunction, all, count),
    byPackage: top(byPackage, all, count),
    oursInclusive: top(oursInclusive, all, count),
  };
}
