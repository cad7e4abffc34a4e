// `npm run bench -- sandbox`: VM start, resume of a cached VM, replay of 10/100/1,000-call journals,
// and the memory a suspended VM holds.
import { createSandbox, hashArgs, type JournalActivation, type Outcome, type TaskSource, type TaskVm } from "@tasker/sandbox";
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
  for (let i = 0; i < ${calls}; i++) total += await tools.database.rows.get({ i });
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
