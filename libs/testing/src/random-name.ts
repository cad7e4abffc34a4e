import { randomBytes } from "node:crypto";

/** A short unique name, safe as a database name, a subject token and a stream name. */
export function randomName(kind: string): string {
  return `${kind}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}
