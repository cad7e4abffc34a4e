import { z } from "zod";

/** The rule a secret's name follows, as error messages state it. */
export const SECRET_NAME_RULE = "a secret name is 1–200 characters of letters, digits, '.', '_', '-' and '/'";

/** A secret's name: 1–200 characters of `[A-Za-z0-9._/-]`. The one validator of names. */
export const SecretName = z.string().regex(/^[A-Za-z0-9._/-]{1,200}$/, SECRET_NAME_RULE);

/** A secret's value: any string. */
/**
 * Characters a secret value may have: room for any key file or certificate chain, and small enough
 * that its sealed form (base64 of up to 3 bytes a character, with the envelope) stays far below a
 * call result's 1 MiB when a task reads it.
 */
export const MAX_SECRET_VALUE_CHARS = 65_536;

export const SecretValue = z
  .string({ error: "a secret value must be a string" })
  .max(MAX_SECRET_VALUE_CHARS, `a secret value is at most ${MAX_SECRET_VALUE_CHARS} characters`);

/** Whether `name` is a valid secret name. */
export function isSecretName(name: unknown): name is string {
  return SecretName.safeParse(name).success;
}
