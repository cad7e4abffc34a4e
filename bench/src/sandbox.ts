// `npm run bench -- sandbox`: VM start, resume of a cached VM, replay of 10/100/1,000-call journals,
// the memory a suspended VM holds; then the same start and resume through the pool of worker threads
// that makes activations killable (its per-activation cost), and its throughput on every core.
import { availableParallelism } from "node:os";
import { createSandbox, hashArgs, type JournalActivation, type Outcome, SandboxPool, type TaskSource, type TaskVm } from "@tasker/sandbox";
import { percentile, report, round, since } from "./_stats.js";

const STARTS = 1000;
const RESUMES = 5000;
const SUSPENDED_VMS = 500;

const sandbox = await createSandbox();
const source = (code: string): TaskSource => ({ code, resolveModule: () => undefined });
const request = (code: string, stackRunId = "bench/stack") => ({ stackRunId, taskName: "bench", source: source(code), input: { n: 1 }, at: 1_700_000_000_000, onLog: () => {} });

const oneCall = `export default async function (input, tools) { return tools.gapi.admin.domains.list({ customer: "c" }); }`;
const forever = `export default async function (input, tools) { for (let i = 0; ; i++) await tools.sleep(i); }`;
const sequential = (calls: number) => `export default async function (input, tools) {
  let total = 0;
  for (let i = 0; i < ${calls}; i++) total += await tools.gapi.rows.get({ i });
  return total;
}`;

function suspended(outcome: Outcome): Extract<Outcome, { kind: "suspended" }> {
  if (outcome.kind !== "suspended") throw new Error(`expected a suspended VM, got ${JSON.stringify(outcome)}`);
  return outcome;
}

// VM start: a task that makes one call and suspends. Cold: the VM is made on the spot (runtime,
// context, prelude compile); warm: one of the VMs prepared while the event loop was idle is bound.
async function startSamples(from: typeof sandbox, idleBetween: boolean): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    if (idleBetween) await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    const { vm, outcome } = await from.start(request(oneCall));
    samples.push(since(started));
    suspended(outcome);
    vm.dispose();
  }
  return samples;
}
const coldSandbox = await createSandbox({ preparedVms: 0 });
const cold = await startSamples(coldSandbox, false);
coldSandbox.dispose();
report({ bench: "sandbox.start.cold", n: STARTS, p50_ms: percentile(cold, 50), p99_ms: percentile(cold, 99) });
const warm = await startSamples(sandbox, true);
report({ bench: "sandbox.start.prepared", n: STARTS, p50_ms: percentile(warm, 50), p99_ms: percentile(warm, 99) });

// Resume of a cached VM with one completion, which makes the next call.
const cached = await sandbox.start(request(forever));
let seq = suspended(cached.outcome).calls[0]!.seq;
const resumeSamples: number[] = [];
for (let i = 0; i < RESUMES; i++) {
  const started = performance.now();
  const outcome = cached.vm.resume({ at: 1_700_000_000_000 + i, results: [{ seq, ok: true, value: null }] });
  resumeSamples.push(since(started));
  seq = suspended(outcome).calls[0]!.seq;
}
cached.vm.dispose();
report({ bench: "sandbox.resume", n: RESUMES, p50_ms: percentile(resumeSamples, 50), p99_ms: percentile(resumeSamples, 99) });

/** Runs a task live, one call per activation, and returns its journal up to the last suspension. */
async function journalOf(code: string): Promise<JournalActivation[]> {
  const { vm, outcome } = await sandbox.start(request(code));
  let current = outcome;
  const journal: JournalActivation[] = [];
  let results: JournalActivation["results"] = [];
  for (let at = 1_700_000_000_000; current.kind === "suspended"; at += 1000) {
    journal.push({ at, results, calls: current.calls.map((c) => ({ seq: c.seq, service: c.service, method: c.method, argsHash: hashArgs(c.args) })) });
    results = current.calls.map((c) => ({ seq: c.seq, ok: true as const, value: 1 }));
    current = vm.resume({ at: at + 1000, results });
  }
  return journal;
}

for (const calls of [10, 100, 1000]) {
  const code = sequential(calls);
  const journal = await journalOf(code);
  const samples: number[] = [];
  for (let i = 0; i < (calls === 1000 ? 20 : 100); i++) {
    const started = performance.now();
    const { vm, outcome } = await sandbox.replay({ ...request(code), journal });
    samples.push(since(started));
    suspended(outcome);
    vm.dispose();
  }
  report({ bench: "sandbox.replay", calls, n: samples.length, p50_ms: percentile(samples, 50), p99_ms: percentile(samples, 99) });
}

// Memory of suspended VMs: QuickJS's own accounting per VM, and the process's resident growth.
global.gc?.();
const rssBefore = process.memoryUsage().rss;
const vms: TaskVm[] = [];
for (let i = 0; i < SUSPENDED_VMS; i++) {
  const { vm, outcome } = await sandbox.start(request(oneCall, `bench/stack-${i}`));
  suspended(outcome);
  vms.push(vm);
}
const heap = vms.map((vm) => vm.memoryBytes);
report({
  bench: "sandbox.memory",
  suspended_vms: SUSPENDED_VMS,
  quickjs_heap_bytes_per_vm: percentile(heap, 50),
  rss_bytes_per_vm: round((process.memoryUsage().rss - rssBefore) / SUSPENDED_VMS, 0),
  wasm_modules: sandbox.stats().modules,
});
for (const vm of vms) vm.dispose();
sandbox.dispose();

// Killable activations: the same start and resume on a pool worker (a message each way, and the
// deadline's watch), one at a time; then starts from every core at once.
const share = { namespace: "bench", taskRunId: "bench", costKey: "bench@1" };
const poolRequest = (code: string, stackRunId = "bench/stack") => ({ stackRunId, namespace: "bench", taskName: "bench", code, input: { n: 1 }, at: 1_700_000_000_000 });
async function poolFigures(workers: number): Promise<void> {
  const pool = await SandboxPool.create({ workers });
  const starts: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const started = performance.now();
    const { vm, report: ran } = await pool.start(poolRequest(oneCall), share);
    starts.push(since(started));
    suspended(ran.outcome);
    vm.dispose();
  }
  report({ bench: "sandbox.pool.start.prepared", workers, n: STARTS, p50_ms: percentile(starts, 50), p99_ms: percentile(starts, 99) });
  const held = await pool.start(poolRequest(forever), share);
  let next = suspended(held.report.outcome).calls[0]!.seq;
  const resumes: number[] = [];
  for (let i = 0; i < RESUMES; i++) {
    const started = performance.now();
    const ran = await held.vm.resume({ at: 1_700_000_000_000 + i, results: [{ seq: next, ok: true, value: null }] }, share);
    resumes.push(since(started));
    next = suspended(ran.outcome).calls[0]!.seq;
  }
  report({ bench: "sandbox.pool.resume", workers, n: RESUMES, p50_ms: percentile(resumes, 50), p99_ms: percentile(resumes, 99) });
  const began = performance.now();
  await Promise.all(Array.from({ length: STARTS }, (_, i) => pool.start(poolRequest(oneCall, `bench/many-${i}`), share).then(({ vm }) => vm.dispose())));
  report({ bench: "sandbox.pool.starts_per_second", workers, n: STARTS, per_second: round(STARTS / (since(began) / 1000), 0) });
  await pool.close();
}
await poolFigures(1);
if (availableParallelism() > 1) await poolFigures(availableParallelism());
