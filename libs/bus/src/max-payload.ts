import type { NatsConnection } from "@nats-io/nats-core";

/** NATS's default `max_payload`: assumed until a server said otherwise. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** The largest message (payload and headers) the server `connection` is connected to accepts. */
export function maxPayloadOf(connection: Pick<NatsConnection, "info"> | undefined): number {
  return connection?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES;
}
