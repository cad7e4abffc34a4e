import { afterAll, beforeAll, expect, it } from "vitest";
import { resultOf, source } from "@tasker/testing";
import { createSandbox, type Sandbox } from "./sandbox.js";
import type { JournalActivation } from "./types.js";

// A journal recorded by an earlier build, kept as a fixture: runs in flight are replayed by whatever
// build is deployed next, so the prelude's clock, PRNG and seed derivation must never drift.
const code = `export default async function (input, tools) {
  const first = [Math.random(), Date.now()];
  const user = await tools.keystore.get("user-" + Math.floor(Math.random() * 1000));
  return { first, user, second: [Math.random(), new Date().toISOString()] };
}`;
const journal: JournalActivation[] = [
  {
    at: 1_700_000_000_000,
    results: [],
    calls: [{ seq: 0, service: "keystore", method: ["get"], argsHash: "58de063a7f3564b992bb00a3783a48d4a6920d48cf941604e3ff7cda90db5efb" }],
  },
  { at: 1_700_000_060_000, results: [{ seq: 0, ok: true, value: "ada" }], calls: [] },
];
const recordedResult = { first: [0.9295345498248935, 1_700_000_000_000], user: "ada", second: [0.9626402566209435, "2023-11-14T22:14:20.000Z"] };

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox();
});
afterAll(() => sandbox.dispose());

it("replays a journal recorded by an earlier build to the recorded result", async () => {
  const { outcome } = await sandbox.replay({ stackRunId: "fixture/stack-1", taskName: "fixture", source: source(code), input: null, journal, onLog: () => {} });
  expect(resultOf(outcome)).toEqual(recordedResult);
  expect(sandbox.stats()).toMatchObject({ liveVms: 0, unfreedVms: 0 });
});
