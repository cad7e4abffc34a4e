import { Inject, Injectable } from "@nestjs/common";
import { DEFAULT_NAMESPACE } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { ApiKeyStore } from "@tasker/secrets";
import { ApiError } from "../http/api-error.js";
import { bearerOf, sameToken } from "../keys/admin-access.js";
import { PLATFORM } from "../platform.token.js";
import { type Caller, decideAccess, type GatewayAction, type PresentedKey } from "./access-rule.js";

/** Every request while `TASKER_AUTH=off`: namespace `default`, with every right (the admin routes keep their own guard). */
const OPEN_CALLER: Caller = { namespace: DEFAULT_NAMESPACE, role: "admin" };

/**
 * Who a request is, from its `Authorization` header, by `decideAccess`: `TASKER_ADMIN_TOKEN` is the
 * bootstrap admin key of `default` (compared in constant time); any other key is looked up by its
 * SHA-256 in `api_keys` on every request, so a key revoked on any gateway stops working at once.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly keys: ApiKeyStore,
  ) {}

  /** Whether requests need a key (`TASKER_AUTH=on`). */
  get enabled(): boolean {
    return this.platform.config.TASKER_AUTH === "on";
  }

  /**
   * The caller of a request with `authorization` asking for `action` (about namespace `target`, when
   * it names one); with auth off, namespace `default`.
   * @throws ApiError 401 API_KEY_REQUIRED / API_KEY_INVALID, 403 FORBIDDEN (see `decideAccess`).
   */
  async authorize(authorization: string | undefined, action: GatewayAction, target?: string): Promise<Caller> {
    if (!this.enabled) return OPEN_CALLER;
    const decision = decideAccess(await this.present(bearerOf(authorization)), action, target);
    if (!decision.allowed) throw new ApiError(decision.status, decision.code, decision.message);
    return decision.caller;
  }

  private async present(key: string | undefined): Promise<PresentedKey | null | undefined> {
    if (key === undefined) return undefined;
    const adminToken = this.platform.config.TASKER_ADMIN_TOKEN;
    if (adminToken && sameToken(key, adminToken)) return { namespace: DEFAULT_NAMESPACE, role: "admin", revoked: false };
    const found = await this.keys.find(key);
    return found ? { namespace: found.namespace, role: found.role, revoked: found.revokedAt !== null } : null;
  }
}
