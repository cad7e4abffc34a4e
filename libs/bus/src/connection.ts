import { connect, type NatsConnection } from "@nats-io/transport-node";

/**
 * Connects to NATS and keeps reconnecting for as long as the process lives. `noAsyncTraces`: the client
 * would otherwise build two Error objects (a stack trace each) for every request, JetStream publishes
 * included, only to name where a timeout started; their messages and codes are the same without.
 */
export function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true });
}
