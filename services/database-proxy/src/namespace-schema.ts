import { createHash } from "node:crypto";
import { DEFAULT_NAMESPACE } from "@tasker/contracts";

/** PostgreSQL's longest identifier, bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * The schema holding the tables of `namespace`'s runs: `base` (`TASKER_DATA_SCHEMA`) for `default`;
 * for any other, `<base>__<namespace with '-' as '_'>` (`task_data__team_b`). As no namespace holds
 * '_', that is one schema per namespace. When it would be longer than 63 bytes it is cut and ends with
 * `$` and 12 hex digits of the namespace's SHA-256, a character no namespace's schema holds otherwise.
 */
export function schemaFor(base: string, namespace: string): string {
  if (namespace === DEFAULT_NAMESPACE) return base;
  const name = `${base}__${namespace.replaceAll("-", "_")}`;
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  const hash = createHash("sha256").update(namespace).digest("hex").slice(0, 12);
  return `${name.slice(0, MAX_IDENTIFIER_BYTES - hash.length - 1)}$${hash}`;
}
