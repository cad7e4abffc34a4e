import { connect, type NatsConnection } from "@nats-io/transport-node";

/** Connects to NATS and keeps reconnecting for as long as the process lives. */
export function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
}
