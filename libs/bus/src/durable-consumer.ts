import { AckPolicy, DeliverPolicy, type JetStreamManager } from "@nats-io/jetstream";

const NANOS_PER_MS = 1_000_000;

/** One handler's durable pull consumer, as the transport wants it. */
export interface DurableConsumerSpec {
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  /**
   * Deliveries after which the transport gives up on a message. The server is told to stop one
   * delivery later: the transport sees that last delivery and gives up explicitly (dead letter,
   * `onGiveUp`); the server's limit is the backstop for a give-up that could not be completed.
   */
  maxDeliveries: number;
  /** For a consumer of one instance: the server removes it once unused this long. */
  inactiveMs?: number;
}

/** At most this many messages delivered and not yet acknowledged per consumer. */
const MAX_ACK_PENDING = 1000;

/**
 * Creates the consumer, or brings an existing one to this configuration in place (`max_deliver`,
 * `ack_wait` and `inactive_threshold` are editable), so deployed consumers get new limits too.
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, stream: string, spec: DurableConsumerSpec): Promise<void> {
  const config = {
    durable_name: spec.durable,
    filter_subject: spec.filterSubject,
    ...(spec.inactiveMs !== undefined ? { inactive_threshold: spec.inactiveMs * NANOS_PER_MS } : {}),
    ack_policy: AckPolicy.Explicit,
    ack_wait: spec.ackWaitMs * NANOS_PER_MS,
    max_deliver: spec.maxDeliveries + 1,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: MAX_ACK_PENDING,
  };
  await jsm.consumers.add(stream, config).catch(() => jsm.consumers.update(stream, spec.durable, config));
}
