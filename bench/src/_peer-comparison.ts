// The pure part of `npm run bench -- peers`: reading the benchmarks' JSON lines, and putting Tasker's
// figure for each workload beside the peers' (DBOS, Restate) like with like.

/** One figure line as the e2e benchmark and the shared peer scripts print it on stdout. */
export interface FigureLine {
  readonly peer: string;
  readonly workload: string;
  /** The peers' lines say which form of the workload they measured (`trivial`, `child`, `step`); Tasker's have none. */
  readonly variant?: string;
  readonly [figure: string]: unknown;
}

/** Which figure of a workload is compared, and which way is better. */
export interface ComparedFigure {
  readonly workload: string;
  /** The field compared: a latency in milliseconds (`lower` is better) or a throughput in runs/s (`higher`). */
  readonly figure: string;
  readonly better: "lower" | "higher";
  /** The peers' variant that measures what Tasker's workload does (a nested task is a peer's `child`). */
  readonly peerVariant: string;
}

/** W1 p50, W2 per child p50, W3 p50 (children, not steps), W4 runs/s: the table. */
export const comparedFigures: readonly ComparedFigure[] = [
  { workload: "W1", figure: "p50_ms", better: "lower", peerVariant: "trivial" },
  { workload: "W2", figure: "per_child_p50_ms", better: "lower", peerVariant: "child" },
  { workload: "W3", figure: "p50_ms", better: "lower", peerVariant: "child" },
  { workload: "W4", figure: "runs_per_s", better: "higher", peerVariant: "trivial" },
];

/** One workload side by side. `ratio` ≥ 1 means Tasker is ahead of the best peer (2 decimals). */
export interface Comparison {
  readonly workload: string;
  readonly figure: string;
  readonly better: "lower" | "higher";
  readonly tasker: number;
  /** Each peer's figure, by peer name as its script reports it. */
  readonly peers: Readonly<Record<string, number>>;
  readonly best_peer: string;
  /** best peer ÷ Tasker for a latency, Tasker ÷ best peer for a throughput. */
  readonly ratio: number;
}

/**
 * The figure lines in a benchmark's stdout: every line that starts with `{`, other lines ignored.
 * Throws naming `source` when such a line is not JSON or lacks a string `peer` and `workload`.
 */
export function parseFigureLines(stdout: string, source: string): FigureLine[] {
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("{"))
    .map((line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`${source} printed a line that is not JSON: ${line}`);
      }
      if (!isFigureLine(parsed)) throw new Error(`${source} printed a line without a peer and a workload: ${line}`);
      return parsed;
    });
}

function isFigureLine(value: unknown): value is FigureLine {
  if (typeof value !== "object" || value === null) return false;
  const { peer, workload } = value as Record<string, unknown>;
  return typeof peer === "string" && typeof workload === "string";
}

/**
 * Tasker's figure for each compared workload beside every peer's that reported it, the best peer and
 * the ratio. Throws when Tasker's lines or all the peers' lines lack a compared figure.
 */
export function compareWithPeers(tasker: readonly FigureLine[], peers: readonly FigureLine[]): Comparison[] {
  return comparedFigures.map(({ workload, figure, better, peerVariant }) => {
    const own = figureOf(tasker.find((line) => line.workload === workload), figure);
    if (own === undefined) throw new Error(`Tasker's benchmark printed no ${workload} ${figure}`);
    const peerFigures: Record<string, number> = {};
    for (const line of peers) {
      const value = line.workload === workload && line.variant === peerVariant ? figureOf(line, figure) : undefined;
      if (value !== undefined) peerFigures[line.peer] = value;
    }
    const ranked = Object.entries(peerFigures).sort(([, a], [, b]) => (better === "lower" ? a - b : b - a));
    const best = ranked[0];
    if (best === undefined) throw new Error(`no peer printed a ${workload} ${peerVariant} ${figure}`);
    const [bestPeer, bestFigure] = best;
    const ratio = better === "lower" ? bestFigure / own : own / bestFigure;
    return { workload, figure, better, tasker: own, peers: peerFigures, best_peer: bestPeer, ratio: Math.round(ratio * 100) / 100 };
  });
}

function figureOf(line: FigureLine | undefined, figure: string): number | undefined {
  const value = line?.[figure];
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A plain-text table of the comparisons: one row per workload, one column per peer, then best and ratio. */
export function comparisonTable(comparisons: readonly Comparison[]): string {
  const peerNames = [...new Set(comparisons.flatMap((comparison) => Object.keys(comparison.peers)))];
  const rows = [
    ["workload", "figure", "tasker", ...peerNames, "best peer", "ratio"],
    ...comparisons.map((c) => [
      c.workload,
      c.figure,
      String(c.tasker),
      ...peerNames.map((peer) => (c.peers[peer] === undefined ? "-" : String(c.peers[peer]))),
      c.best_peer,
      c.ratio.toFixed(2),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n");
}
