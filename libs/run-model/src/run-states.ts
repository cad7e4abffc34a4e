import type { RecordedEvent } from "@tasker/contracts";
import { foldRun } from "./evolve.js";
import { initialRunState, type RunState } from "./run-state.js";

/** Where the events come from (the event store): a stream's events from a version on. */
export interface StreamReader {
  readStream(streamId: string, fromVersion?: number): Promise<RecordedEvent[]>;
}

interface Folded {
  readonly state: RunState;
  /** The stream version `state` includes every event up to. */
  readonly version: number;
  /** Another writer appended since: the next `latest` reads the events in between. */
  readonly behind: boolean;
}

/**
 * The folded states of recently touched runs, so that a decision reads only the events appended since
 * the last one instead of the whole stream (a run with 500 children wakes the rules 500 times). Safe
 * because a stream's versions are gap-free and its appends are serialised: a read that sees version
 * `n` sees every version before it. States are immutable, so concurrent readers can share them.
 *
 * A state is always a prefix of the stream, perhaps not the latest: decisions taken on it are guarded,
 * so one taken on a stale prefix fails its conditions instead of doing harm.
 */
export class RunStates {
  private readonly folded = new Map<string, Folded>();
  /** The stream version each state kept folded through (states are immutable, and never shared between versions that differ). */
  private readonly versions = new WeakMap<RunState, number>();

  constructor(
    private readonly store: StreamReader,
    /** Runs kept; the least recently read is dropped first. */
    private readonly capacity = 256,
  ) {}

  /** The state of the run in `streamId` as of now (reads the events appended since the last read). */
  async read(streamId: string): Promise<RunState> {
    const cached = this.folded.get(streamId);
    const tail = await this.store.readStream(streamId, (cached?.version ?? 0) + 1);
    const version = tail.at(-1)?.metadata.streamVersion ?? cached?.version ?? 0;
    const state = foldRun(tail, cached?.state);
    this.keep(streamId, { state, version, behind: false });
    return state;
  }

  /** The state last folded for the run in `streamId`, without a read; undefined when none is kept. */
  known(streamId: string): RunState | undefined {
    return this.folded.get(streamId)?.state;
  }

  /**
   * The stream version `state` (one this instance returned) folded every event through: every event
   * up to it and none after, so a writer that decided on it can mark what it appends (`markDecided`);
   * undefined for a state this instance did not return.
   */
  versionOf(state: RunState): number | undefined {
    return this.versions.get(state);
  }

  /**
   * The state as this process last knew it, without a read when it knows the run up to `atLeast` (the
   * version of the event a decision acts on) and no other writer's events are known to be missing;
   * otherwise as `read`. A decision that folds its own events onto the state needs everything up to
   * what caused them: a resume decided on a state without the resume under way would deliver its
   * results again.
   */
  async latest(streamId: string, atLeast: number): Promise<RunState> {
    const cached = this.folded.get(streamId);
    return cached && !cached.behind && cached.version >= atLeast ? cached.state : this.read(streamId);
  }

  /**
   * Folds events this process appended (or handles) into the state it keeps, when they follow it
   * directly; when events of other writers came in between, the state is marked as behind, to be read.
   * A run this process knows nothing of is learnt only from its first events. Returns whether the
   * state kept is now current as far as these events (false: others came in between).
   */
  absorb(streamId: string, events: readonly RecordedEvent[]): boolean {
    if (events.length === 0) return true;
    const cached = this.folded.get(streamId) ?? { state: undefined, version: 0, behind: false };
    const first = events[0]!.metadata.streamVersion;
    const last = events.at(-1)!.metadata.streamVersion;
    if (last <= cached.version) return !cached.behind;
    if (first > cached.version + 1) {
      if (cached.state) this.keep(streamId, { ...cached, state: cached.state, behind: true });
      return false;
    }
    const unseen = events.filter((event) => event.metadata.streamVersion > cached.version);
    this.keep(streamId, { state: foldRun(unseen, cached.state), version: last, behind: cached.behind });
    return !cached.behind;
  }

  /**
   * Learns a run from its root's `stack.created` alone, without a read: it is the second event of
   * every run, recorded with the `run.submitted` before it in one append, and that first event changes
   * nothing the rules read that the root's creation does not (see `evolve`), and logs nothing (so the
   * state is silent through version 1).
   */
  absorbSubmission(rootCreated: RecordedEvent): void {
    const { streamId, streamVersion } = rootCreated.metadata;
    const isRoot = rootCreated.type === "stack.created" && rootCreated.data.parentStackRunId === null;
    if (!isRoot || streamVersion !== 2 || this.folded.has(streamId)) return;
    this.keep(streamId, { state: foldRun([rootCreated], { ...initialRunState(), silentThrough: 1 }), version: 2, behind: false });
  }

  private keep(streamId: string, latest: Folded): void {
    const current = this.folded.get(streamId);
    // A concurrent reader may have folded further meanwhile: keep the furthest.
    const kept = current && current.version > latest.version ? current : latest;
    this.versions.set(latest.state, latest.version);
    this.folded.delete(streamId);
    this.folded.set(streamId, kept);
    if (this.folded.size > this.capacity) this.folded.delete(this.folded.keys().next().value!);
  }
}
