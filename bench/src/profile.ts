// `npm run bench -- profile`: where W1, W4 and W2's time goes. Runs the e2e benchmark's W1 (one trivial run at
// a time) and W4 (500 at once), each run submitted and waited for in one request, then its W2 (20 nested
// calls in a row, submitted, then waited for), on a Tasker whose every service process runs with `node --cpu-prof`
// (through NODE_OPTIONS), then prints, per process and workload, the top functions and packages by self
// time over the workload's window; the split of a W1 run's latency by hop (from its events' `recorded_at`)
// beside `GET /health`, and a W2 run's appends in order, each with the gap from the one before; and
// per workload, per run, each process's CPU and its threads' by kind (/proc/<pid>/task: `MainThread`,
// `V8Worker` for V8's helpers, `WorkerThread` for the sandbox's), the CPU of every postgres and
// nats-server process on the machine, and the PostgreSQL commits (pg_stat_database). The CPU under the
// profiler is higher than without it. The load average (/proc/loadavg) stands beside each figure.
// Profiles are kept in PROFILE_DIR (default: a new folder under the system's temporary folder).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TaskerSystem } from "@tasker/testing";
import { publishBenchTasks } from "./_bench-tasks.js";
import { Ingress } from "./_ingress.js";
import { profileTop, type TopRow } from "./_cpuprofile-top.js";
import { cpuPerRun, processCpu, serverCpu } from "./_process-cpu.js";
import { percentile, round } from "./_stats.js";

const dir = process.env.PROFILE_DIR ?? mkdtempSync(join(tmpdir(), "tasker-profile-"));
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
/** Microseconds on the monotonic clock, the clock of a `.cpuprofile`'s sample times. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
/** Milliseconds since the epoch with microsecond resolution, to compare with PostgreSQL's `now()`. */
const epochMs = () => performance.timeOrigin + performance.now();

const tasker = await TaskerSystem.start({ NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
const ingress = new Ingress(tasker.url);
const labels = new Map([...tasker.processes].map(([label, process]) => [process.pid, label]));
const windows: { name: string; from: number; to: number }[] = [];
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.log(line);
};

interface Timing {
  taskRunId: string;
  sent: number;
  answered: number;
}

/** One run of `bench-echo`, submitted and waited for in one request (`POST /tasks?wait=60`) as the e2e benchmark's W1 and W4 do. */
async function timed(input: unknown): Promise<Timing> {
  const sent = epochMs();
  const { taskRunId } = await ingress.submitAndWait("bench-echo", input);
  return { taskRunId, sent, answered: epochMs() };
}

/**
 * Transactions committed in the system's database so far (`pg_stat_database`). A backend reports its
 * counts when idle, at most once a second and within 10 s, hence the wait before reading.
 */
async function commits(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  const [row] = await tasker.sql<{ xact_commit: string }>("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
  return Number(row!.xact_commit);
}

/** CPU milliseconds so far of each service process and each kind of its threads, and of PostgreSQL and NATS. */
const cpuMs = () => new Map([...processCpu(tasker.processes), ...serverCpu()]);

/** Commits per second with no work submitted (the services' own polling), measured once before the windows. */
let background = 0;

/** Runs `work` as the window `name` of the profiles; says how many transactions it committed per run, background deducted. */
async function window<T>(name: string, runs: number, work: () => Promise<T>): Promise<T> {
  const before = await commits();
  const cpuBefore = cpuMs();
  const from = monotonicUs();
  const result = await work();
  const to = monotonicUs();
  const cpu = cpuPerRun(cpuBefore, cpuMs(), runs)
    .filter(([, ms]) => ms >= 0.005)
    .map(([label, ms]) => `${label} ${round(ms, 2)}`);
  say(`${name}: CPU ms per run: ${cpu.join(", ")} (load ${load()})`);
  windows.push({ name, from, to });
  const committed = (await commits()) - before - 1 - background * ((to - from) / 1e6 + 11);
  say(`${name}: ${round(committed / runs, 2)} PostgreSQL commits per run (background ${round(background, 1)}/s deducted)`);
  return result;
}

/** One run of `bench-sequential` (20 nested `bench-square` calls in a row), submitted, then waited for, as the e2e benchmark's W2 does. */
async function sequential(): Promise<Timing> {
  const sent = epochMs();
  const { taskRunId } = await ingress.submitThenWait("bench-sequential", { n: 20 });
  return { taskRunId, sent, answered: epochMs() };
}

/**
 * The appends of each run, in order, by their events' `recorded_at` (one transaction each): per
 * position in the run, the gap from the previous append (the first from the POST) and the events it
 * holds, as `type×count` of the first run.
 */
async function appendGaps(timings: Timing[]): Promise<{ events: string; gaps: number[] }[]> {
  const rows = await tasker.sql<{ stream_id: string; type: string; at: string }>(
    `SELECT stream_id, type, (extract(epoch FROM recorded_at) * 1000)::text AS at FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, version`,
    [timings.map((t) => `run:${t.taskRunId}`)],
  );
  const positions: { events: string; gaps: number[] }[] = [];
  for (const timing of timings) {
    const appends = new Map<string, string[]>();
    for (const row of rows.filter((r) => r.stream_id === `run:${timing.taskRunId}`)) appends.set(row.at, [...(appends.get(row.at) ?? []), row.type]);
    let previous = timing.sent;
    [...appends].forEach(([at, types], index) => {
      const counted = new Map<string, number>();
      for (const type of types) counted.set(type, (counted.get(type) ?? 0) + 1);
      positions[index] ??= { events: [...counted].map(([type, n]) => (n > 1 ? `${type}×${n}` : type)).join(" "), gaps: [] };
      positions[index]!.gaps.push(Number(at) - previous);
      previous = Number(at);
    });
  }
  return positions;
}

const stats = (samples: number[]) => `p50 ${round(percentile(samples, 50), 2)} ms, p90 ${round(percentile(samples, 90), 2)} ms`;

let hops: Map<string, number[]>;
let w2Appends: { events: string; gaps: number[] }[] = [];
try {
  await publishBenchTasks(tasker);
  for (let i = 0; i < 20; i++) await timed({ hello: "world" });
  const idleFrom = await commits();
  background = ((await commits()) - idleFrom - 1) / 11;

  const health: number[] = [];
  await window("health", 200, async () => {
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      const { status } = await tasker.request("GET", "/health");
      if (status !== 200) throw new Error(`GET /health ${status}`);
      health.push(performance.now() - start);
    }
  });
  say(`GET /health: ${stats(health)} (load ${load()})`);

  const w1: Timing[] = [];
  await window("W1", 200, async () => {
    for (let i = 0; i < 200; i++) w1.push(await timed({ hello: "world" }));
  });
  say(`W1 whole: ${stats(w1.map((t) => t.answered - t.sent))} (load ${load()})`);

  await window("W4", 1500, async () => {
    for (let round_ = 0; round_ < 3; round_++) {
      const start = performance.now();
      await Promise.all(Array.from({ length: 500 }, (_, i) => timed({ i })));
      say(`W4 round ${round_ + 1}: ${round(500 / ((performance.now() - start) / 1000), 1)} runs/s (load ${load()})`);
    }
  });

  const w2: Timing[] = [];
  for (let i = 0; i < 3; i++) await sequential();
  await window("W2", 30 * 20, async () => {
    for (let i = 0; i < 30; i++) w2.push(await sequential());
  });
  say(`W2 per child: ${stats(w2.map((t) => (t.answered - t.sent) / 20))} (load ${load()})`);
  w2Appends = await appendGaps(w2);

  const ids = w1.map((t) => `run:${t.taskRunId}`);
  const rows = await tasker.sql<{ stream_id: string; type: string; at: number }>(
    `SELECT stream_id, type, extract(epoch FROM recorded_at) * 1000 AS at FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, version`,
    [ids],
  );
  hops = new Map();
  const add = (hop: string, ms: number) => hops.set(hop, [...(hops.get(hop) ?? []), ms]);
  for (const timing of w1) {
    const events = rows.filter((row) => row.stream_id === `run:${timing.taskRunId}`);
    let previous = { name: "POST sent", at: timing.sent };
    for (const event of events) {
      const at = Number(event.at);
      add(`${previous.name} → ${event.type}`, at - previous.at);
      previous = { name: event.type, at };
    }
    add(`${previous.name} → result answered`, timing.answered - previous.at);
  }
} finally {
  ingress.close();
  await tasker.stop();
}

say(`\nW1 hops (recorded_at: transaction start of each append; same-append events show 0):`);
for (const [hop, samples] of hops) say(`  ${hop}: ${stats(samples)}`);

say(`\nW2 appends of a run, in order (gap from the previous append, the first from the POST):`);
w2Appends.forEach(({ events, gaps }, index) => say(`  ${index + 1}: ${stats(gaps)}: ${events}`));

const row = (r: TopRow) => `    ${String(r.percent).padStart(5)}%  ${String(r.ms).padStart(8)} ms  ${r.name}`;
for (const file of readdirSync(dir).filter((name) => name.endsWith(".cpuprofile")).sort()) {
  const [, , , pid, thread] = file.split(".");
  const label = `${labels.get(Number(pid)) ?? `pid ${pid}`}${thread === "0" ? "" : ` thread ${thread}`}`;
  for (const { name, from, to } of windows.filter((w) => w.name !== "health")) {
    const top = profileTop(join(dir, file), 15, from, to);
    if (top.windowMs === 0 || top.busyPercent < 1) continue;
    say(`\n== ${label}, ${name}: ${top.windowMs} ms sampled, busy ${top.busyPercent}% (${file})`);
    say("  by function (self):");
    top.byFunction.forEach((r) => say(row(r)));
    say("  by package (self):");
    top.byPackage.forEach((r) => say(row(r)));
    say("  ours, inclusive (callees included):");
    top.oursInclusive.forEach((r) => say(row(r)));
  }
}
say(`\nprofiles in ${dir}`);
writeFileSync(join(dir, "windows.json"), JSON.stringify(windows));
writeFileSync(join(dir, "summary.txt"), `${lines.join("\n")}\n`);
