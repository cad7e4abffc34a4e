import { describe, expect, it } from "vitest";
import { decideAdminAccess, isLoopback } from "./admin-access.js";

describe("isLoopback", () => {
  it.each(["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "::FFFF:127.1.2.3", "0:0:0:0:0:0:0:1"])("holds for %s", (address) => {
    expect(isLoopback(address)).toBe(true);
  });
  it.each(["10.0.0.1", "192.168.1.2", "::ffff:10.0.0.1", "::2", "fe80::1", "128.0.0.1", "localhost", "", undefined])("not for %s", (address) => {
    expect(isLoopback(address)).toBe(false);
  });
});

describe("decideAdminAccess", () => {
  it("without a token: loopback is let in, anywhere else is refused 403 ADMIN_TOKEN_REQUIRED", () => {
    expect(decideAdminAccess({ adminToken: undefined, authorization: undefined, remoteAddress: "::ffff:127.0.0.1" })).toEqual({ allowed: true });
    expect(decideAdminAccess({ adminToken: "", authorization: undefined, remoteAddress: "::1" })).toEqual({ allowed: true });
    expect(decideAdminAccess({ adminToken: undefined, authorization: "Bearer anything", remoteAddress: "203.0.113.7" })).toMatchObject({
      allowed: false,
      status: 403,
      code: "ADMIN_TOKEN_REQUIRED",
    });
  });

  it("with a token: required from everywhere, loopback included; 401 without, 403 for another", () => {
    const adminToken = "s3cret-admin-token";
    for (const remoteAddress of ["127.0.0.1", "203.0.113.7"]) {
      expect(decideAdminAccess({ adminToken, authorization: `Bearer ${adminToken}`, remoteAddress })).toEqual({ allowed: true });
      expect(decideAdminAccess({ adminToken, authorization: undefined, remoteAddress })).toMatchObject({ status: 401, code: "ADMIN_TOKEN_REQUIRED" });
      expect(decideAdminAccess({ adminToken, authorization: "Basic abc", remoteAddress })).toMatchObject({ status: 401 });
      const wrong = decideAdminAccess({ adminToken, authorization: `Bearer ${adminToken}x`, remoteAddress });
      expect(wrong).toMatchObject({ status: 403, code: "ADMIN_TOKEN_INVALID" });
      expect(JSON.stringify(wrong)).not.toContain(adminToken);
    }
  });
});
