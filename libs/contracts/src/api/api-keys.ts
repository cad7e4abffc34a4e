import { z } from "zod";
import { Namespace } from "../namespace.js";

/**
 * What an API key may do, in its namespace: `run` (submit, read, cancel and signal runs; list task
 * functions), `publish` (also publish task functions), `admin` (also manage secrets and API keys).
 */
export const ApiKeyRole = z.enum(["run", "publish", "admin"], "must be one of run, publish, admin");
export type ApiKeyRole = z.infer<typeof ApiKeyRole>;

/** `POST /auth/keys`: a new key for `namespace` with `role`. */
export const CreateApiKeyRequest = z.object({ namespace: Namespace, role: ApiKeyRole });
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** `201` of `POST /auth/keys`: the key's id and the key itself, shown this once (only its SHA-256 is kept). */
export const CreateApiKeyResponse = z.object({ keyId: z.uuid(), key: z.string() });
export type CreateApiKeyResponse = z.infer<typeof CreateApiKeyResponse>;

/** One entry of `GET /auth/keys`: never the key. Times are ISO 8601; `revokedAt` only once revoked. */
export const ApiKeyView = z.object({
  keyId: z.uuid(),
  namespace: z.string(),
  role: ApiKeyRole,
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});
export type ApiKeyView = z.infer<typeof ApiKeyView>;

export const ApiKeyList = z.array(ApiKeyView);
export type ApiKeyList = z.infer<typeof ApiKeyList>;

/** The path parameter naming an API key. */
export const ApiKeyIdParam = z.uuid({ message: "must be an API key id (a UUID)" });
