import { describe, expect, it } from "vitest";
import type { CallContext } from "./method-table.js";
import { methodTable } from "./method-table.js";
import { forNamespaceOnly } from "./namespace-gate.js";

const context = (namespace: string): CallContext => ({ service: "gapi", method: ["ping"], taskRunId: "r", namespace, stackRunId: "s", attempt: 1, signal: new AbortController().signal });

describe("forNamespaceOnly", () => {
  const table = forNamespaceOnly(methodTable<null>({ ping: async () => "pong" }), "default", "the deployment's credentials are default's");

  it("runs the methods for the runs of its namespace, and offers the same names", async () => {
    expect(table.names()).toEqual(["ping"]);
    expect(await table.resolve(["ping"])!(null, [], context("default"))).toBe("pong");
    expect(table.resolve(["nope"])).toBeUndefined();
  });

  it("refuses a run of another namespace PERMISSION_DENIED, saying why, before the method runs", async () => {
    await expect(table.resolve(["ping"])!(null, [], context("team-b"))).rejects.toMatchObject({
      code: "PERMISSION_DENIED",
      message: "the deployment's credentials are default's; this run is in namespace team-b",
    });
  });
});
