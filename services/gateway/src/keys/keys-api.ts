import { SecretName, SecretValue } from "@tasker/secrets";
import { z } from "zod";

/** `:name` of the key routes (a `/` in it sent as `%2F`). */
export const KeyNameParam = SecretName;

/** `PUT /keys/:name`: the value to seal, any string. */
export const PutKeyRequest = z.object({ value: SecretValue });
export type PutKeyRequest = z.infer<typeof PutKeyRequest>;

/** `GET /keys`: names (sorted by code point) and when each value was last set (ISO 8601); never values. */
export const KeyList = z.array(z.object({ name: z.string(), updatedAt: z.string() }));
export type KeyList = z.infer<typeof KeyList>;
