import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

/** What the admin routes know of a request: the configured token, its `Authorization` header, its peer. */
export interface AdminRequest {
  /** `TASKER_ADMIN_TOKEN`, or undefined (or empty) when unset. */
  readonly adminToken: string | undefined;
  /** The request's `Authorization` header, as sent. */
  readonly authorization: string | undefined;
  /** The TCP peer's address (never a forwarded-for header): `127.0.0.1`, `::1`, `::ffff:127.0.0.1`, ... */
  readonly remoteAddress: string | undefined;
}

/** Admitted, or refused with the status and code to answer. The message never repeats a token. */
export type AdminDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 401 | 403; readonly code: string; readonly message: string };

/** Whether `address` is a loopback address: 127.0.0.0/8, `::1`, or 127.0.0.0/8 mapped into IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return isIP(address) === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/i.test(address);
}

/** Whether `given` is `expected`, compared in constant time. */
// Digests first: timingSafeEqual needs equal lengths, and the length of the token must not leak either.
export function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const BEARER = /^Bearer +(\S+) *$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none. */
export function bearerOf(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? "")?.[1];
}

/**
 * The rule of the admin routes (`/keys`): with `TASKER_ADMIN_TOKEN` set, `Authorization: Bearer
 * <token>` is required (401 ADMIN_TOKEN_REQUIRED without one, 403 ADMIN_TOKEN_INVALID for another,
 * compared in constant time) from anywhere; unset, loopback peers only (403 ADMIN_TOKEN_REQUIRED from
 * elsewhere).
 */
export function decideAdminAccess(request: AdminRequest): AdminDecision {
  if (request.adminToken) {
    const given = bearerOf(request.authorization);
    if (given === undefined) {
      return { allowed: false, status: 401, code: "ADMIN_TOKEN_REQUIRED", message: "send the admin token as `Authorization: Bearer <TASKER_ADMIN_TOKEN>`" };
    }
    if (!sameToken(given, request.adminToken)) {
      return { allowed: false, status: 403, code: "ADMIN_TOKEN_INVALID", message: "the bearer token is not the gateway's TASKER_ADMIN_TOKEN" };
    }
    return { allowed: true };
  }
  if (isLoopback(request.remoteAddress)) return { allowed: true };
  return {
    allowed: false,
    status: 403,
    code: "ADMIN_TOKEN_REQUIRED",
    message: "without TASKER_ADMIN_TOKEN set on the gateway, the key routes answer requests from this machine (loopback) only; set it and send `Authorization: Bearer <token>`",
  };
}
