import { describe, expect, it } from "vitest";
import { type AdmissionContext, admitCalls, type ProposedCall } from "./decisions/admit-calls.js";
import { isDeclared, requiredUse, useEntryProblem, useWarnings } from "./decisions/uses.js";

const call = (seq: number, service: string, method: string[], args: unknown[] = []): ProposedCall => ({ seq, service, method, args });
const openai = (seq: number) => call(seq, "openai", ["chat", "completions", "create"], [{ model: "m", messages: [] }]);
const gapi = (seq: number) => call(seq, "gapi", ["admin", "domains", "list"], [{}]);
const websearch = (seq: number) => call(seq, "websearch", ["search"], ["tasker"]);
const secret = (seq: number, method: string, name: unknown, ...rest: unknown[]) => call(seq, "keystore", [method], [name, ...rest]);
const query = (seq: number, table: unknown) => call(seq, "database", ["query"], [{ table, select: "*" }]);

const context = (uses: string[], enforceUses = true): AdmissionContext => ({
  depth: 0,
  maxDepth: 3,
  taskVersionOf: (name) => (name === "echo" ? "v-echo" : null),
  pendingBefore: 0,
  maxPendingCalls: 100,
  stackRunsLeft: Number.POSITIVE_INFINITY,
  maxStackRuns: 10_000,
  maxTimerMs: 60_000,
  canSealSecrets: true,
  caller: { task: "brief", uses },
  enforceUses,
});

const refusedSeqs = (calls: ProposedCall[], uses: string[]) =>
  [...admitCalls(calls, context(uses))].filter(([, error]) => error.code === "PERMISSION_DENIED").map(([seq]) => seq);

describe("requiredUse", () => {
  it("needs nothing for tasks, sleep and signals, and the service for gapi, openai and websearch", () => {
    expect(requiredUse(call(0, "tasks", ["execute"], ["echo", {}]))).toBeUndefined();
    expect(requiredUse(call(0, "sleep", ["sleep"], [10]))).toBeUndefined();
    expect(requiredUse(call(0, "signals", ["wait"], ["go"]))).toBeUndefined();
    expect([gapi(0), openai(0), websearch(0)].map(requiredUse)).toEqual(["gapi", "openai", "websearch"]);
  });

  it("names the secret of a keystore call and the table of a query; list() and a nameless query need the service", () => {
    expect(requiredUse(secret(0, "get", "openai-api-key"))).toBe("keystore:openai-api-key");
    expect(requiredUse(secret(0, "set", "token", "value"))).toBe("keystore:token");
    expect(requiredUse(secret(0, "delete", "token"))).toBe("keystore:token");
    expect(requiredUse(call(0, "keystore", ["list"]))).toBe("keystore");
    expect(requiredUse(query(0, "notes"))).toBe("database:notes");
    expect(requiredUse(query(0, 42))).toBe("database");
  });

  it("names a secret or table no declaration can spell, so that only the bare service covers it", () => {
    expect(requiredUse(secret(0, "get", "has spaces"))).toBe("keystore:has spaces");
    expect(requiredUse(query(0, "my notes"))).toBe("database:my notes");
    expect(requiredUse(query(0, "n".repeat(5000)))).toBe(`database:${"n".repeat(200)}…`);
    expect(refusedSeqs([query(0, "my notes"), query(1, "notes")], ["database:notes"])).toEqual([0]);
    expect(refusedSeqs([query(0, "my notes")], ["database"])).toEqual([]);
  });
});

describe("isDeclared", () => {
  it("covers a named need by its own entry or by the bare service, and a nameless need by any entry of its service", () => {
    expect(isDeclared(["keystore:a"], "keystore:a")).toBe(true);
    expect(isDeclared(["keystore"], "keystore:a")).toBe(true);
    expect(isDeclared(["keystore:b"], "keystore:a")).toBe(false);
    expect(isDeclared(["database:notes"], "keystore:notes")).toBe(false);
    expect(isDeclared(["keystore:b"], "keystore")).toBe(true);
    expect(isDeclared(["database:notes"], "keystore")).toBe(false);
    expect(isDeclared(["openai"], "openai")).toBe(true);
    expect(isDeclared([], "gapi")).toBe(false);
  });
});

describe("useEntryProblem", () => {
  it("accepts the declared services, alone or (keystore, database) with a name", () => {
    for (const entry of ["gapi", "openai", "websearch", "keystore", "database", "keystore:openai-api-key", "database:notes", "keystore:team/a.b_c"]) {
      expect(useEntryProblem(entry), entry).toBeUndefined();
    }
  });

  it("refuses an unknown service, a service that needs no declaration, a name where none is taken, and a bad name", () => {
    expect(useEntryProblem("fax")).toContain('"fax" names no service');
    expect(useEntryProblem("sleep")).toContain("sleep needs no declaration");
    expect(useEntryProblem("openai:gpt-4")).toContain("only keystore and database");
    expect(useEntryProblem("keystore:")).toContain('after "keystore:"');
    expect(useEntryProblem("database:no tables")).toBeDefined();
  });
});

describe("admitCalls with enforcement on", () => {
  it("refuses each service that is not declared, naming the task, the service and the line to add", () => {
    const refused = admitCalls([gapi(0), openai(1), websearch(2), call(3, "keystore", ["list"]), query(4, "notes")], context([]));
    expect([...refused.values()].map((error) => error.code)).toEqual(Array(5).fill("PERMISSION_DENIED"));
    expect(refused.get(1)?.message).toBe('task "brief" may not use openai: its JSDoc does not declare it; add the line "@uses openai" (TASKER_ENFORCE_USES is on)');
    expect(refused.get(4)?.message).toContain('database table "notes"');
    expect(refused.get(4)?.message).toContain('"@uses database:notes"');
  });

  it("admits declared services, and calls that need no declaration", () => {
    const calls = [gapi(0), openai(1), websearch(2), call(3, "tasks", ["execute"], ["echo", {}]), call(4, "sleep", ["sleep"], [5]), call(5, "signals", ["wait"], ["go"])];
    expect(admitCalls(calls, context(["gapi", "openai", "websearch"])).size).toBe(0);
  });

  it("lets a task read, write and delete only the secrets it declares, and never names a value it passes", () => {
    const calls = [secret(0, "get", "openai-api-key"), secret(1, "get", "other"), secret(2, "set", "other", "s3cret"), secret(3, "delete", "openai-api-key")];
    const refused = admitCalls(calls, context(["keystore:openai-api-key"]));
    expect([...refused.keys()]).toEqual([1, 2]);
    expect(refused.get(1)?.message).toContain('"@uses keystore:other"');
    expect(refused.get(2)?.message).not.toContain("s3cret");
    expect(refusedSeqs(calls, ["keystore"])).toEqual([]);
  });

  it("lets a task query only the tables it declares, or any with a bare database", () => {
    expect(refusedSeqs([query(0, "notes"), query(1, "users")], ["database:notes"])).toEqual([1]);
    expect(refusedSeqs([query(0, "notes"), query(1, "users")], ["database"])).toEqual([]);
  });

  it("admits every call when enforcement is off", () => {
    expect(admitCalls([gapi(0), openai(1), secret(2, "get", "x"), query(3, "notes")], context([], false)).size).toBe(0);
  });
});

describe("useWarnings", () => {
  const caller = { task: "brief", uses: ["keystore:a"] };

  it("warns once per undeclared need, skipping the declared and those warned before", () => {
    const warnings = useWarnings([openai(0), openai(1), secret(2, "get", "a"), secret(3, "get", "b"), gapi(4), call(5, "sleep", ["sleep"], [1])], caller, new Set(["gapi"]));
    expect(warnings.map((warning) => warning.need)).toEqual(["openai", "keystore:b"]);
    expect(warnings[0]!.message).toBe(
      'task "brief" uses openai without declaring it: with TASKER_ENFORCE_USES=true this call fails with PERMISSION_DENIED; add the line "@uses openai" to its JSDoc',
    );
  });
});
