import { type ApiKeyRole, DEFAULT_NAMESPACE } from "@tasker/contracts";

/** What a request asks to do; each route of the gateway (HTTP and gRPC) is one of these. */
export type GatewayAction =
  | "docs.read"
  | "task-functions.read"
  | "task-functions.publish"
  | "runs.submit"
  | "runs.read"
  | "runs.cancel"
  | "runs.signal"
  | "secrets.manage"
  | "keys.manage";

const RUN_RIGHTS: readonly GatewayAction[] = ["docs.read", "task-functions.read", "runs.submit", "runs.read", "runs.cancel", "runs.signal"];
const PUBLISH_RIGHTS: readonly GatewayAction[] = [...RUN_RIGHTS, "task-functions.publish"];

/** Each action as a refusal names it. */
const ACTION_TEXT: Readonly<Record<GatewayAction, string>> = {
  "docs.read": "read the API's documentation",
  "task-functions.read": "list task functions",
  "task-functions.publish": "publish task functions",
  "runs.submit": "submit runs",
  "runs.read": "read runs",
  "runs.cancel": "cancel runs",
  "runs.signal": "signal runs",
  "secrets.manage": "manage secrets",
  "keys.manage": "manage API keys",
};

/** What each role may do, in its key's namespace: `publish` has `run`'s rights, `admin` has `publish`'s. */
export const ROLE_RIGHTS: Readonly<Record<ApiKeyRole, readonly GatewayAction[]>> = {
  run: RUN_RIGHTS,
  publish: PUBLISH_RIGHTS,
  admin: [...PUBLISH_RIGHTS, "secrets.manage", "keys.manage"],
};

/** The key a request presented, as the gateway knows it. */
export interface PresentedKey {
  readonly namespace: string;
  readonly role: ApiKeyRole;
  readonly revoked: boolean;
}

/** Who a request is: the namespace it acts in and its role. */
export interface Caller {
  readonly namespace: string;
  readonly role: ApiKeyRole;
}

/** Allowed (as `caller`), or refused with the status and code to answer. No message repeats a key. */
export type AccessDecision =
  | { readonly allowed: true; readonly caller: Caller }
  | { readonly allowed: false; readonly status: 401 | 403; readonly code: "API_KEY_REQUIRED" | "API_KEY_INVALID" | "FORBIDDEN"; readonly message: string };

/**
 * The gateway's access rule with `TASKER_AUTH=on`. `key`: undefined when the request sent none (401
 * API_KEY_REQUIRED), null when it is no key the gateway has (401 API_KEY_INVALID, as is a revoked
 * one). A role that does not have `action` is 403 FORBIDDEN. `target`: the namespace the action is
 * about, when the request names one (managing API keys): an admin of `default` (the operator) may act
 * on any namespace, any other key on its own only (403 FORBIDDEN). Pure.
 */
export function decideAccess(key: PresentedKey | null | undefined, action: GatewayAction, target?: string): AccessDecision {
  if (key === undefined) {
    return { allowed: false, status: 401, code: "API_KEY_REQUIRED", message: "send an API key as `Authorization: Bearer <key>` (tasker auth create-key makes one)" };
  }
  if (key === null || key.revoked) return { allowed: false, status: 401, code: "API_KEY_INVALID", message: "the API key is unknown or revoked" };
  if (!ROLE_RIGHTS[key.role].includes(action)) {
    const roles = (Object.keys(ROLE_RIGHTS) as ApiKeyRole[]).filter((role) => ROLE_RIGHTS[role].includes(action));
    return { allowed: false, status: 403, code: "FORBIDDEN", message: `a ${key.role} key may not ${ACTION_TEXT[action]}: that takes the role ${roles.join(" or ")}` };
  }
  if (target !== undefined && target !== key.namespace && !(key.namespace === DEFAULT_NAMESPACE && key.role === "admin")) {
    return { allowed: false, status: 403, code: "FORBIDDEN", message: `a key of namespace ${key.namespace} may act in that namespace only` };
  }
  return { allowed: true, caller: { namespace: key.namespace, role: key.role } };
}

/**
 * The namespace whose API keys `caller` sees and revokes: its own, or every one (undefined) for an
 * admin of `default`, the operator.
 */
export function keyScopeOf(caller: Caller): string | undefined {
  return caller.namespace === DEFAULT_NAMESPACE && caller.role === "admin" ? undefined : caller.namespace;
}
