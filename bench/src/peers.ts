// `npm run bench -- peers`: Tasker's e2e workloads (bench/src/e2e.ts, run as it is), then the shared
// peer scripts for DBOS and Restate one after the other on the same machine, then one JSON line per
// compared workload (W1–W4) with Tasker's figure, each peer's, the best peer and the ratio (≥ 1:
// Tasker ahead), and a table. W5, W6 and start-up have no peer figures: their lines are e2e's own,
// passed through without a ratio. `TASKER_PEERS_DIR` is the folder of run-dbos.sh and run-restate.sh (default ../shared/peers
// from the repository root); the peers' own knobs (see their README) pass through the environment.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compareWithPeers, comparisonTable, type FigureLine, parseFigureLines } from "./_peer-comparison.js";
import { runScript } from "./_run-script.js";
import { report } from "./_stats.js";

const peerScripts = ["run-dbos.sh", "run-restate.sh"];
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const peersDir = resolve(repositoryRoot, process.env.TASKER_PEERS_DIR || "../shared/peers");
const missing = peerScripts.filter((script) => !existsSync(join(peersDir, script)));
if (missing.length > 0) {
  console.error(`TASKER_PEERS_DIR: ${peersDir} has no ${missing.join(" and ")}; set TASKER_PEERS_DIR to the folder of the shared peer scripts`);
  process.exit(2);
}

const tasker = parseFigureLines(await runScript(process.execPath, [fileURLToPath(new URL("./e2e.js", import.meta.url))]), "bench e2e");
const peers: FigureLine[] = [];
for (const script of peerScripts) peers.push(...parseFigureLines(await runScript(join(peersDir, script)), script));

const comparisons = compareWithPeers(tasker, peers);
for (const comparison of comparisons) report({ comparison: "peers", ...comparison });
console.log(comparisonTable(comparisons));
