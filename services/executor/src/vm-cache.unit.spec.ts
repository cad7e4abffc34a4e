import { createSandbox, type Sandbox, type TaskVm } from "@tasker/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogSink } from "./log-sink.js";
import { VmSecrets } from "./vm-secrets.js";
import { ModuleUse } from "./module-use.js";
import { type CachedVm, VmCache } from "./vm-cache.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(() => sandbox.dispose());

const WAITING = "module.exports = async (input, tools) => tools.tasks.execute('child', input);";

async function suspended(stackRunId: string, taskRunId = "run-1"): Promise<CachedVm> {
  const source = { code: WAITING, resolveModule: () => undefined };
  const { vm, outcome } = await sandbox.start({ stackRunId, taskName: "waiting", source, input: {}, at: 0, onLog: () => undefined });
  expect(outcome.kind).toBe("suspended");
  return { vm, sink: new LogSink(), taskRunId, stackRunId, activation: 1, depth: 0, parentStackRunId: null, seq: null, modules: new ModuleUse(() => undefined), secrets: new VmSecrets(undefined), pending: new Set([0]), bytes: vm.memoryBytes };
}

const alive = (vm: TaskVm) => vm.memoryBytes > 0;

describe("the live-VM cache", () => {
  it("evicts the least recently used VM beyond its count, and disposes it", async () => {
    const cache = new VmCache(2, 1024 ** 3);
    const [a, b, c] = [await suspended("a"), await suspended("b"), await suspended("c")];
    cache.put(a);
    cache.put(b);
    cache.put(c);
    expect(cache.size).toBe(2);
    expect(alive(a.vm)).toBe(false);
    expect(cache.take("b", 1)).toBe(b);
    expect(cache.take("c", 1)).toBe(c);
    b.vm.dispose();
    c.vm.dispose();
  });

  it("evicts by bytes, and keeps nothing at size 0", async () => {
    const a = await suspended("a");
    const b = await suspended("b");
    const bySize = new VmCache(10, a.bytes + b.bytes - 1);
    bySize.put(a);
    bySize.put(b);
    expect(bySize.size).toBe(1);
    expect(alive(a.vm)).toBe(false);
    bySize.clear();
    expect(alive(b.vm)).toBe(false);

    const none = new VmCache(0, 1024 ** 3);
    const c = await suspended("c");
    none.put(c);
    expect(none.size).toBe(0);
    expect(alive(c.vm)).toBe(false);
  });

  it("hands a VM out once, only at the activation asked for, and drops a run's VMs when it ends", async () => {
    const cache = new VmCache(10, 1024 ** 3);
    const [a, b, other] = [await suspended("a", "run-1"), await suspended("b", "run-1"), await suspended("x", "run-2")];
    cache.put(a);
    expect(cache.take("a", 2)).toBeUndefined(); // a stale VM is never resumed
    expect(alive(a.vm)).toBe(false);
    cache.put(b);
    cache.put(other);
    cache.evictRun("run-1");
    expect(alive(b.vm)).toBe(false);
    expect(cache.take("x", 1)).toBe(other);
    expect(cache.take("x", 1)).toBeUndefined();
    other.vm.dispose();
  });
});
