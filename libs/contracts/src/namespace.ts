import { z } from "zod";

/** The namespace of everything made before namespaces existed, and of every request while `TASKER_AUTH=off`. */
export const DEFAULT_NAMESPACE = "default";

/** The longest namespace name (a DNS label's length). */
export const MAX_NAMESPACE_LENGTH = 63;

/**
 * A namespace's name: lowercase letters, digits and '-', starting with a letter, at most 63
 * characters. Task functions, runs, idempotency keys, secrets and API keys each belong to one.
 */
export const Namespace = z
  .string()
  .max(MAX_NAMESPACE_LENGTH, `must be at most ${MAX_NAMESPACE_LENGTH} characters`)
  .regex(/^[a-z][a-z0-9-]*$/, "a namespace is lowercase letters, digits and '-', starting with a letter");
export type Namespace = z.infer<typeof Namespace>;

/** The namespace an event names, `default` when it was recorded before namespaces (the field absent). */
export function namespaceOf(data: { readonly namespace?: string | undefined }): string {
  return data.namespace ?? DEFAULT_NAMESPACE;
}

/** The `namespace` field of an event recorded in `namespace`: left out for `default`, so its events read as before namespaces. */
export function namespaceField(namespace: string): { namespace?: string } {
  return namespace === DEFAULT_NAMESPACE ? {} : { namespace };
}

/** A task function's key among every namespace's, `<namespace>:<name>`: unambiguous, as ':' is in no namespace or task name. */
export function functionKey(namespace: string, name: string): string {
  return `${namespace}:${name}`;
}
