import type { ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";
import { subjectMatches } from "@tasker/contracts";

/**
 * Where the bus is with the message of a dispatch: `lost` (the stream has no copy of it — its publish
 * never happened, or the stream dropped it — or every consumer of its subject acknowledged the latest
 * copy: whatever handled it recorded nothing); still `with-consumer` (queued, or delivered and not yet
 * acknowledged: it will be handled, or redelivered); or `no-consumer` (a copy waits, but no durable
 * consumer takes its subject: its service is not running yet, and gets it when its consumer is
 * created). `lastSeq`: the stream sequence of the latest copy (0: none).
 */
export interface Progress {
  readonly state: "with-consumer" | "lost" | "no-consumer";
  readonly lastSeq: number;
}

/**
 * Answers `Progress` for the subjects of one watchdog look, listing the stream's consumers once.
 * Per-instance consumers (with an inactivity threshold) are left out: the shared consumer of the same
 * work is the one that guarantees it is handled.
 */
export class DispatchProgress {
  private consumers: Promise<ConsumerInfo[]> | undefined;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
  ) {}

  async of(subject: string): Promise<Progress> {
    const last = await this.jsm.streams.getMessage(this.stream, { last_by_subj: subject }).catch(() => undefined);
    if (!last) return { state: "lost", lastSeq: 0 };
    const consumers = (await this.listConsumers()).filter((info) => subjectMatches(info.config.filter_subject ?? ">", subject));
    if (consumers.length === 0) return { state: "no-consumer", lastSeq: last.seq };
    const acked = consumers.every((info) => last.seq <= info.ack_floor.stream_seq);
    return { state: acked ? "lost" : "with-consumer", lastSeq: last.seq };
  }

  private listConsumers(): Promise<ConsumerInfo[]> {
    this.consumers ??= (async () => {
      const shared: ConsumerInfo[] = [];
      for await (const info of this.jsm.consumers.list(this.stream)) if (!info.config.inactive_threshold) shared.push(info);
      return shared;
    })();
    return this.consumers;
  }
}
