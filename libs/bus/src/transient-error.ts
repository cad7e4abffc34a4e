/** Node system errors of a connection that failed or was cut: the peer, not the request, is at fault. */
const NODE_CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * PostgreSQL SQLSTATEs of a server that cannot serve anyone right now: class 08 (connection
 * exception), class 53 (insufficient resources: disk full, out of memory, too many connections),
 * 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now) and 57P05 (idle session
 * timeout). Not 57P04 (database dropped): that one does not go away.
 */
const SQLSTATE = /^(08...|53...|57P0[1235])$/;

/** What the `pg` driver and its pool throw when a connection dies or cannot be had. */
const PG_CONNECTION_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect)/;

/** nats.js errors of a request that found no server (or no JetStream) to answer it. */
const NATS_CONNECTION_ERRORS = new Set(["TimeoutError", "ClosedConnectionError", "DrainingConnectionError", "ConnectionError", "NoResponders"]);

/** How many errors of a wrapper chain are looked at: chains are short in practice, and a cycle must end. */
const MAX_LOOKED_AT = 16;

function isTransientItself(error: object): boolean {
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === "string" && (NODE_CONNECTION_CODES.has(code) || SQLSTATE.test(code))) return true;
  if (typeof name === "string" && NATS_CONNECTION_ERRORS.has(name)) return true;
  return typeof message === "string" && PG_CONNECTION_MESSAGE.test(message);
}

/**
 * Whether `error` is a connection-level failure that says nothing about the message being handled:
 * the database or the bus could not be reached, or hung up, or is shutting down. Such a failure
 * most likely goes away by itself, and trying again does not make the message any more suspect.
 * Looks through TypeORM's `QueryFailedError` (`.driverError`) and `.cause` chains; errors are
 * recognised by code and name, never by class, so a second copy of a driver is recognised too.
 */
export function isTransient(error: unknown): boolean {
  const toLookAt: unknown[] = [error];
  for (let looked = 0; looked < MAX_LOOKED_AT && toLookAt.length > 0; looked++) {
    const current = toLookAt.shift();
    if (typeof current !== "object" || current === null) continue;
    if (isTransientItself(current)) return true;
    const { driverError, cause } = current as { driverError?: unknown; cause?: unknown };
    toLookAt.push(driverError, cause);
  }
  return false;
}
