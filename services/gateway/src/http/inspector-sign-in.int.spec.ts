import { randomBytes } from "node:crypto";
import { launchChromium } from "@tasker/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

const ADMIN_TOKEN = randomBytes(24).toString("base64url");

/** The run inspector's sign-in in Chromium against a gateway with TASKER_AUTH=on. */
describe("signing in to the run inspector", () => {
  let gateway: GatewayEnv;
  let browser: Browser;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGatewayEnv({ TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it("forgets a key the gateway stops taking mid-session (revoked) and asks for another", async () => {
    const made = await gateway.request("POST", "/auth/keys", { namespace: "team-a", role: "run" }, admin);
    expect(made.status).toBe(201);
    const page = await browser.newPage();
    try {
      await page.goto(`${gateway.url}/ui/`);
      await page.getByLabel("API key").fill(made.body.key);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Runs" }).waitFor({ timeout: 20_000 });
      expect((await gateway.request("DELETE", `/auth/keys/${made.body.keyId}`, undefined, admin)).status).toBe(204);
      // The runs list is read again every 2 s: its next read is refused.
      await page.getByLabel("API key").waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
      expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
