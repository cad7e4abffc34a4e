import { describe, expect, it } from "vitest";
import { compareWithPeers, comparisonTable, parseFigureLines } from "./_peer-comparison.js";

// Lines as bench e2e and the shared peer scripts print them (figures from the table).
const taskerOut = [
  '{"peer":"tasker","tracing":"off","workload":"W1","n":200,"p50_ms":17.7,"p99_ms":30}',
  '{"peer":"tasker","tracing":"off","workload":"W2","n":30,"p50_ms":212,"p99_ms":260,"per_child_p50_ms":10.6}',
  '{"peer":"tasker","tracing":"off","workload":"W3","n":30,"p50_ms":40,"p99_ms":130}',
  '{"peer":"tasker","tracing":"off","workload":"W4","n":500,"runs_per_s":1200}',
  '{"peer":"tasker","tracing":"off","workload":"W5","runs":10000,"all_suspended_ms":90000,"executor_rss_mb":900,"vm_cache_entries":1000,"all_completed_ms":95000,"runs_per_s":105}',
  '{"peer":"tasker","tracing":"off","workload":"W6","call":"keystore.list","calls":1000,"n":5,"replay_p50_ms":100,"replay_max_ms":270}',
  '{"peer":"tasker","tracing":"off","workload":"startup","service":"gateway","n":3,"p50_ms":1300,"max_ms":1700}',
].join("\n");
const dbosOut = [
  '{"peer":"dbos","workload":"W1","variant":"trivial","p50_ms":4,"p99_ms":6,"n":200,"mean_ms":4.2,"version":"5.3.0"}',
  '{"peer":"dbos","workload":"W2","variant":"child","p50_ms":152,"p99_ms":170,"per_child_p50_ms":7.6,"n":30}',
  '{"peer":"dbos","workload":"W2","variant":"step","p50_ms":32,"p99_ms":40,"per_child_p50_ms":1.6,"n":30}',
  '{"peer":"dbos","workload":"W3","variant":"child","p50_ms":79,"p99_ms":90,"n":30}',
  '{"peer":"dbos","workload":"W3","variant":"step","p50_ms":20,"p99_ms":25,"n":30}',
  '{"peer":"dbos","workload":"W4","variant":"trivial","batch":500,"runs_per_s":958,"all_runs_per_s":[900,958,940]}',
].join("\n");
const restateOut = [
  '{"peer":"restate","workload":"W1","variant":"trivial","p50_ms":7,"p99_ms":9,"n":200}',
  '{"peer":"restate","workload":"W2","variant":"child","p50_ms":184,"per_child_p50_ms":9.2,"n":30}',
  '{"peer":"restate","workload":"W3","variant":"child","p50_ms":45.5,"p99_ms":50,"n":30}',
  '{"peer":"restate","workload":"W3","variant":"step","p50_ms":13,"p99_ms":15,"n":30}',
  '{"peer":"restate","workload":"W4","variant":"trivial","batch":500,"runs_per_s":1093}',
].join("\n");

describe("parseFigureLines", () => {
  it("keeps the JSON lines and ignores whatever else the script printed", () => {
    const lines = parseFigureLines(`installing...\n${dbosOut}\n\n  done\n`, "run-dbos.sh");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatchObject({ peer: "dbos", workload: "W2", variant: "child", per_child_p50_ms: 7.6 });
  });

  it("names the script whose line is not JSON", () => {
    expect(() => parseFigureLines('{"peer":"dbos",', "run-dbos.sh")).toThrow(/run-dbos\.sh printed a line that is not JSON/);
  });

  it("refuses a line without a peer or a workload", () => {
    expect(() => parseFigureLines('{"workload":"W1","p50_ms":3}', "run-restate.sh")).toThrow(/run-restate\.sh .* without a peer/);
  });
});

describe("compareWithPeers", () => {
  const comparisons = compareWithPeers(
    parseFigureLines(taskerOut, "bench e2e"),
    [...parseFigureLines(dbosOut, "run-dbos.sh"), ...parseFigureLines(restateOut, "run-restate.sh")],
  );
  const byWorkload = Object.fromEntries(comparisons.map((comparison) => [comparison.workload, comparison]));

  it("compares W1 p50 with the faster peer: best peer ÷ Tasker, below 1 when Tasker is behind", () => {
    expect(byWorkload.W1).toEqual({
      workload: "W1", figure: "p50_ms", better: "lower", tasker: 17.7, peers: { dbos: 4, restate: 7 }, best_peer: "dbos", ratio: 0.23,
    });
  });

  it("compares W2 per child with the peers' child variant, never their steps", () => {
    expect(byWorkload.W2).toMatchObject({ figure: "per_child_p50_ms", peers: { dbos: 7.6, restate: 9.2 }, best_peer: "dbos", ratio: 0.72 });
  });

  it("compares W3 with the children variant; at or above 1 when Tasker is ahead", () => {
    expect(byWorkload.W3).toMatchObject({ figure: "p50_ms", peers: { dbos: 79, restate: 45.5 }, best_peer: "restate", ratio: 1.14 });
  });

  it("compares W4 throughput the other way round: Tasker ÷ the best peer", () => {
    expect(byWorkload.W4).toMatchObject({ figure: "runs_per_s", better: "higher", best_peer: "restate", ratio: 1.1 });
  });

  it("leaves out W5, W6 and start-up, which no peer measures (their own lines are shown as e2e prints them)", () => {
    expect(comparisons.map((comparison) => comparison.workload)).toEqual(["W1", "W2", "W3", "W4"]);
  });

  it("prints one table row per workload with every peer's column", () => {
    const table = comparisonTable(comparisons).split("\n");
    expect(table).toHaveLength(5);
    expect(table[0]).toMatch(/^workload\s+figure\s+tasker\s+dbos\s+restate\s+best peer\s+ratio$/);
    expect(table[4]).toMatch(/^W4\s+runs_per_s\s+1200\s+958\s+1093\s+restate\s+1\.10$/);
  });
});

describe("compareWithPeers with figures missing", () => {
  const tasker = parseFigureLines(taskerOut, "bench e2e");

  it("compares with the peers that reported a workload when another did not", () => {
    const [w1] = compareWithPeers(tasker, parseFigureLines(`${dbosOut}\n${restateOut.split("\n").slice(1).join("\n")}`, "peers"));
    expect(w1).toMatchObject({ peers: { dbos: 4 }, best_peer: "dbos" });
  });

  it("fails naming the workload when no peer reported it", () => {
    const withoutW3 = parseFigureLines(`${dbosOut}\n${restateOut}`, "peers").filter((line) => line.workload !== "W3" || line.variant !== "child");
    expect(() => compareWithPeers(tasker, withoutW3)).toThrow("no peer printed a W3 child p50_ms");
  });

  it("fails naming the workload when Tasker's benchmark did not print it", () => {
    const peers = parseFigureLines(`${dbosOut}\n${restateOut}`, "peers");
    expect(() => compareWithPeers(tasker.filter((line) => line.workload !== "W4"), peers)).toThrow("Tasker's benchmark printed no W4 runs_per_s");
  });
});
