import { SandboxPool } from "@tasker/sandbox";
import { metricValue } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vmCacheEntries, vmCacheEvictions } from "./executor-metrics.js";
import { VmSecrets } from "./vm-secrets.js";
import { type CachedVm, VmCache } from "./vm-cache.js";

let sandbox: SandboxPool;
beforeAll(async () => {
  sandbox = await SandboxPool.create({ workers: 1, limits: { cpuMsPerActivation: 200 } });
});
afterAll(() => sandbox.close());

const WAITING = "module.exports = async (input, tools) => tools.tasks.execute('child', input);";

function shareOf(taskRunId: string) {
  return { namespace: "default", taskRunId, costKey: "waiting@1" };
}

async function suspended(stackRunId: string, taskRunId = "run-1"): Promise<CachedVm> {
  const share = shareOf(taskRunId);
  const { vm, report } = await sandbox.start({ stackRunId, namespace: "default", taskName: "waiting", code: WAITING, input: {}, at: 0 }, share);
  expect(report.outcome.kind).toBe("suspended");
  return { vm, share, taskRunId, stackRunId, activation: 1, depth: 0, parentStackRunId: null, seq: null, secrets: new VmSecrets(undefined), caller: { task: "waiting", uses: [] }, usesSeen: new Set(), pending: new Set([0]), traceparent: null, bytes: vm.memoryBytes };
}

describe("the live-VM cache", () => {
  it("evicts the least recently used VM beyond its count, and disposes it", async () => {
    const cache = new VmCache(2, 1024 ** 3);
    const [a, b, c] = [await suspended("a"), await suspended("b"), await suspended("c")];
    cache.put(a);
    cache.put(b);
    cache.put(c);
    expect(cache.size).toBe(2);
    expect(a.vm.alive).toBe(false);
    expect(cache.take("b", 1)).toBe(b);
    expect(cache.take("c", 1)).toBe(c);
    b.vm.dispose();
    c.vm.dispose();
  });

  it("counts its VMs and its evictions in the executor's metrics", async () => {
    const [entries, evictions] = [await metricValue(vmCacheEntries), await metricValue(vmCacheEvictions, { reason: "lru" })];
    const cache = new VmCache(1, 1024 ** 3);
    cache.put(await suspended("m1"));
    expect(await metricValue(vmCacheEntries)).toBe(entries + 1);
    cache.put(await suspended("m2"));
    expect(await metricValue(vmCacheEntries)).toBe(entries + 1);
    expect(await metricValue(vmCacheEvictions, { reason: "lru" })).toBe(evictions + 1);
    cache.clear();
    expect(await metricValue(vmCacheEntries)).toBe(entries);
  });

  it("evicts by bytes, and keeps nothing at size 0", async () => {
    const a = await suspended("a");
    const b = await suspended("b");
    const bySize = new VmCache(10, a.bytes + b.bytes - 1);
    bySize.put(a);
    bySize.put(b);
    expect(bySize.size).toBe(1);
    expect(a.vm.alive).toBe(false);
    bySize.clear();
    expect(b.vm.alive).toBe(false);

    const none = new VmCache(0, 1024 ** 3);
    const c = await suspended("c");
    none.put(c);
    expect(none.size).toBe(0);
    expect(c.vm.alive).toBe(false);
  });

  it("hands a VM out once, only at the activation asked for, and drops a run's VMs when it ends", async () => {
    const cache = new VmCache(10, 1024 ** 3);
    const [a, b, other] = [await suspended("a", "run-1"), await suspended("b", "run-1"), await suspended("x", "run-2")];
    cache.put(a);
    expect(cache.take("a", 2)).toBeUndefined(); // a stale VM is never resumed
    expect(a.vm.alive).toBe(false);
    cache.put(b);
    cache.put(other);
    cache.evictRun("run-1");
    expect(b.vm.alive).toBe(false);
    expect(cache.take("x", 1)).toBe(other);
    expect(cache.take("x", 1)).toBeUndefined();
    other.vm.dispose();
  });

  it("never hands out a VM whose worker was replaced, and that VM's resume says VM_LOST", async () => {
    const cache = new VmCache(10, 1024 ** 3);
    const a = await suspended("a");
    cache.put(a);
    const hog = "module.exports = async () => Array.prototype.join.call({ length: 1e9 }, '')";
    const { report } = await sandbox.start({ stackRunId: "hog", namespace: "default", taskName: "hog", code: hog, input: {}, at: 0 }, shareOf("run-3"));
    expect(report.outcome).toMatchObject({ kind: "failed", error: { code: "CPU_TIME_LIMIT" } });
    await expect(a.vm.resume({ at: 1, results: [{ seq: 0, ok: true, value: 1 }] }, a.share)).rejects.toMatchObject({ code: "VM_LOST" });
    expect(cache.take("a", 1)).toBeUndefined();
  });
});
