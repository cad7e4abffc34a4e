import type { RecordedEvent } from "@tasker/contracts";
import { foldRun } from "./evolve.js";
import type { RunState } from "./run-state.js";

/** Where the events come from (the event store): a stream's events from a version on. */
export interface StreamReader {
  readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]>;
}

interface Folded {
  readonly state: RunState;
  readonly version: number;
}

/**
 * The folded states of recently touched runs, so that a decision reads only the events appended since
 * the last one instead of the whole stream (a run with 500 children wakes the rules 500 times). Safe
 * because a stream's versions are gap-free and its appends are serialised: a read that sees version
 * `n` sees every version before it. States are immutable, so concurrent readers can share them.
 */
export class RunStates {
  private readonly folded = new Map<string, Folded>();

  constructor(
    private readonly store: StreamReader,
    /** Runs kept; the least recently read is dropped first. */
    private readonly capacity = 256,
  ) {}

  /** The state of the run in `streamId` as of now. */
  async read(streamId: string): Promise<RunState> {
    const cached = this.folded.get(streamId);
    const tail = await this.store.readStream(streamId, (cached?.version ?? 0) + 1);
    const latest = { state: foldRun(tail, cached?.state), version: tail.at(-1)?.metadata.streamVersion ?? cached?.version ?? 0 };
    this.keep(streamId, latest);
    return latest.state;
  }

  private keep(streamId: string, latest: Folded): void {
    const current = this.folded.get(streamId);
    // A concurrent reader may have folded further meanwhile: keep the furthest.
    const kept = current && current.version > latest.version ? current : latest;
    this.folded.delete(streamId);
    this.folded.set(streamId, kept);
    if (this.folded.size > this.capacity) this.folded.delete(this.folded.keys().next().value!);
  }
}
