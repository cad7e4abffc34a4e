import { Injectable } from "@nestjs/common";
import type { ApiKeyList, CreateApiKeyRequest, CreateApiKeyResponse } from "@tasker/contracts";
import { type ApiKeyRecord, ApiKeyStore } from "@tasker/secrets";
import { ApiError } from "../http/api-error.js";
import { type Caller, decideAccess, keyScopeOf } from "./access-rule.js";

const toView = (key: ApiKeyRecord) => ({
  keyId: key.keyId,
  namespace: key.namespace,
  role: key.role,
  createdAt: key.createdAt.toISOString(),
  ...(key.revokedAt ? { revokedAt: key.revokedAt.toISOString() } : {}),
});

/**
 * Manages API keys for an admin caller (the role checked already): an admin of `default`, the
 * operator, manages the keys of every namespace; an admin of another namespace, its own only (another
 * namespace's key is as if it did not exist: 404).
 */
@Injectable()
export class ApiKeyAdmin {
  constructor(private readonly keys: ApiKeyStore) {}

  /** A new key; 403 FORBIDDEN for a namespace the caller may not manage. */
  async create(caller: Caller, request: CreateApiKeyRequest): Promise<CreateApiKeyResponse> {
    const decision = decideAccess({ ...caller, revoked: false }, "keys.manage", request.namespace);
    if (!decision.allowed) throw new ApiError(decision.status, decision.code, decision.message, "namespace");
    return this.keys.create(request.namespace, request.role);
  }

  /** The keys the caller may see, oldest first; never a key. */
  async list(caller: Caller): Promise<ApiKeyList> {
    return (await this.keys.list(keyScopeOf(caller))).map(toView);
  }

  /** Revokes `keyId` (again: no change); 404 API_KEY_NOT_FOUND when the caller sees no such key. */
  async revoke(caller: Caller, keyId: string): Promise<void> {
    const revoked = await this.keys.revoke(keyId, keyScopeOf(caller));
    if (!revoked) throw new ApiError(404, "API_KEY_NOT_FOUND", `no API key ${keyId}`, "keyId");
  }
}
