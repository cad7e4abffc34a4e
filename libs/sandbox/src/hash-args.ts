import { createHash } from "node:crypto";

/**
 * SHA-256 (hex) of the canonical JSON of a call's arguments: object keys sorted, `undefined` members
 * dropped as JSON does. Equal JSON values always hash equally, whatever their key order.
 */
export function hashArgs(args: unknown[]): string {
  return createHash("sha256").update(canonicalJson(args)).digest("hex");
}

/** JSON with object keys in sorted order, so that the text depends only on the value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== "object" || Array.isArray(member)) return member;
    // fromEntries defines each key, so a `__proto__` key stays a member rather than setting the prototype.
    return Object.fromEntries(Object.keys(member).sort().map((key) => [key, (member as Record<string, unknown>)[key]]));
  }) ?? "null";
}
