import type { ApiKeyRole } from "@tasker/contracts";
import { describe, expect, it } from "vitest";
import { decideAccess, type GatewayAction, keyScopeOf, type PresentedKey } from "./access-rule.js";

const key = (role: ApiKeyRole, namespace = "team-a", revoked = false): PresentedKey => ({ namespace, role, revoked });

const RUN_ACTIONS: GatewayAction[] = ["docs.read", "task-functions.read", "runs.submit", "runs.read", "runs.cancel", "runs.signal"];

describe("decideAccess", () => {
  it("answers 401 API_KEY_REQUIRED without a key, 401 API_KEY_INVALID for an unknown or revoked one, whatever the action", () => {
    for (const action of [...RUN_ACTIONS, "keys.manage"] as GatewayAction[]) {
      expect(decideAccess(undefined, action)).toMatchObject({ allowed: false, status: 401, code: "API_KEY_REQUIRED" });
      expect(decideAccess(null, action)).toMatchObject({ allowed: false, status: 401, code: "API_KEY_INVALID" });
      expect(decideAccess(key("admin", "default", true), action)).toMatchObject({ allowed: false, status: 401, code: "API_KEY_INVALID" });
    }
  });

  it.each<[ApiKeyRole, GatewayAction[], GatewayAction[]]>([
    ["run", RUN_ACTIONS, ["task-functions.publish", "secrets.manage", "keys.manage"]],
    ["publish", [...RUN_ACTIONS, "task-functions.publish"], ["secrets.manage", "keys.manage"]],
    ["admin", [...RUN_ACTIONS, "task-functions.publish", "secrets.manage", "keys.manage"], []],
  ])("lets a %s key do what its role allows, in its namespace, and refuses the rest 403 FORBIDDEN", (role, allowed, refused) => {
    for (const action of allowed) expect(decideAccess(key(role), action)).toEqual({ allowed: true, caller: { namespace: "team-a", role } });
    for (const action of refused) {
      const decision = decideAccess(key(role), action);
      expect(decision).toMatchObject({ allowed: false, status: 403, code: "FORBIDDEN" });
      expect(decision.allowed || decision.message).toContain(`a ${role} key may not`);
    }
  });

  it("lets an admin act on its own namespace's keys, and only the admin of default on every namespace's", () => {
    expect(decideAccess(key("admin"), "keys.manage", "team-a")).toMatchObject({ allowed: true });
    expect(decideAccess(key("admin"), "keys.manage", "team-b")).toMatchObject({ allowed: false, status: 403, code: "FORBIDDEN" });
    expect(decideAccess(key("admin", "default"), "keys.manage", "team-b")).toMatchObject({ allowed: true, caller: { namespace: "default" } });
    expect(decideAccess(key("publish", "default"), "keys.manage", "team-b")).toMatchObject({ allowed: false, status: 403 });
  });

  it("scopes the keys an admin sees to its namespace, but the operator's (admin of default) to none", () => {
    expect(keyScopeOf({ namespace: "team-a", role: "admin" })).toBe("team-a");
    expect(keyScopeOf({ namespace: "default", role: "admin" })).toBeUndefined();
    expect(keyScopeOf({ namespace: "default", role: "publish" })).toBe("default");
  });
});
