import { launchChromium } from "@tasker/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

/** The run inspector's files as the gateway serves them (the bundle `npm run build` makes in ui/dist), with TASKER_AUTH=off. */
describe("the run inspector's files at /ui", () => {
  let gateway: GatewayEnv;
  let browser: Browser;
  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGatewayEnv(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it("answers /ui and every page route under it with the page, never cached, under a policy that allows nothing but the gateway", async () => {
    for (const path of ["/ui", "/ui/", "/ui/runs/0193a8f2-7c1e-7000-8000-000000000000", "/ui/tasks/shared%2Fgapi-helper"]) {
      const answer = await fetch(`${gateway.url}${path}`);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(answer.headers.get("cache-control")).toBe("no-cache");
      expect(answer.headers.get("content-security-policy")).toMatch(/^default-src 'self';/);
      expect(await answer.text()).toContain('<div id="app">');
    }
  });

  it("serves the page's hashed assets for a year, and no other file", async () => {
    const page = await (await fetch(`${gateway.url}/ui/`)).text();
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script, "the page names its script").toBeDefined();
    const asset = await fetch(`${gateway.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${gateway.url}/ui/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/ui`, { method: "POST" })).status).toBe(404);
  });

  it("lists namespace default's runs with no sign-in while TASKER_AUTH=off", async () => {
    expect((await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK })).status).toBe(201);
    const { body } = await gateway.request("POST", "/tasks", { taskName: "greet", input: { name: "Ada" } });
    const page = await browser.newPage();
    try {
      await page.goto(`${gateway.url}/ui/`);
      await page.locator(`tr[data-run-id="${body.taskRunId}"]`).waitFor({ timeout: 20_000 });
      expect(await page.getByLabel("API key").count()).toBe(0);
      expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
