import type { ConsumerInfo, JetStreamManager, MsgRequest } from "@nats-io/jetstream";
import { eventStreamName } from "./event-stream.js";

/** A consumer that has work and acknowledged none of it for a while. */
export interface StalledConsumer {
  /** Its durable name, e.g. `executor__run_any_stack_created_tasks`. */
  name: string;
  /** Messages it has not acknowledged: those not yet delivered, and those delivered and not acknowledged. */
  waiting: number;
  /** How long it has had work while acknowledging nothing. */
  stalledMs: number;
}

/** The server sends times as RFC 3339 strings, though nats.js types `last_active` as nanoseconds. */
function timeOf(value: unknown): number | undefined {
  const time = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? undefined : time;
}

/** When the oldest message the consumer has not acknowledged was published; undefined when it is gone. */
async function oldestWaitingSince(jsm: JetStreamManager, info: ConsumerInfo): Promise<number | undefined> {
  const after = info.num_ack_pending > 0 ? info.ack_floor.stream_seq : info.delivered.stream_seq;
  // STREAM.MSG.GET answers `next_by_subj` since server 2.9; nats.js types it for direct gets only.
  const request = { seq: after + 1, next_by_subj: info.config.filter_subject ?? ">" };
  const oldest = await jsm.streams.getMessage(info.stream_name, request as unknown as MsgRequest);
  return oldest?.time.getTime();
}

/**
 * The deployment's consumers (of its event stream `<prefix>_events`) that have work
 * (`num_pending + num_ack_pending > 0`) and have acknowledged nothing for longer than
 * `stalledForMs`: since their last acknowledgement (`ack_floor.last_active`, or their creation
 * when they never acknowledged), or since the oldest waiting message arrived if that is later, so
 * that work arriving at a consumer long idle is not taken for a stall. A consumer with no work is
 * never stalled, however idle. Consumers of one instance (with an `inactive_threshold`) are left
 * out: they go away with their process.
 */
export async function findStalledConsumers(jsm: JetStreamManager, prefix: string, stalledForMs: number, now = Date.now()): Promise<StalledConsumer[]> {
  const stalled: StalledConsumer[] = [];
  for await (const info of jsm.consumers.list(eventStreamName(prefix))) {
    const waiting = info.num_pending + info.num_ack_pending;
    if (waiting === 0 || info.config.inactive_threshold || !info.config.durable_name) continue;
    const lastAck = timeOf(info.ack_floor.last_active) ?? timeOf(info.created) ?? now;
    if (now - lastAck <= stalledForMs) continue;
    const since = Math.max(lastAck, (await oldestWaitingSince(jsm, info)) ?? lastAck);
    if (now - since > stalledForMs) stalled.push({ name: info.name, waiting, stalledMs: now - since });
  }
  return stalled;
}
