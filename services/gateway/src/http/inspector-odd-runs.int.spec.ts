import { randomUUID } from "node:crypto";
import { type RecordedEvent, runStreamId } from "@tasker/contracts";
import { launchChromium } from "@tasker/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_TASK, type GatewayEnv, startGatewayEnv } from "../../test/gateway-env.js";

/** Markup that runs script wherever it is put into the page as HTML rather than text. */
const HOSTILE = `<img src=x onerror="window.injected=1"><script>window.injected=2</script>`;

/** The run inspector in Chromium on runs whose history is odd, written into a gateway's event store as the services would record it. */
describe("the run inspector on odd runs", () => {
  let gateway: GatewayEnv;
  let browser: Browser;
  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGatewayEnv(), launchChromium()]);
    expect((await gateway.request("POST", "/task-functions", { name: "greet", code: DOCUMENTED_TASK })).status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  /** Submits a run of `greet` with `input`, then records `events(rootStackRunId, taskRunId)` after its first two. */
  async function recordRun(input: unknown, events: (root: string, taskRunId: string) => { type: string; data: unknown }[]): Promise<string> {
    const { body } = await gateway.request("POST", "/tasks", { taskName: "greet", input });
    const recorded = await gateway.platform.store.readStream(runStreamId(body.taskRunId));
    const root = recorded.find((event: RecordedEvent) => event.type === "stack.created")!.data as { stackRunId: string };
    await gateway.platform.store.append(runStreamId(body.taskRunId), { guard: "run", version: 0 }, events(root.stackRunId, body.taskRunId) as never);
    return body.taskRunId;
  }

  async function openRun(taskRunId: string, see: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${gateway.url}/ui/runs/${taskRunId}`);
    await page.getByText(see).first().waitFor({ timeout: 20_000 });
    return page;
  }

  it("shows markup in an input, a log line and an error as text, and runs none of it", async () => {
    const taskRunId = await recordRun({ name: HOSTILE }, (root, id) => [
      { type: "log.appended", data: { stackRunId: root, level: "info", message: `logged ${HOSTILE}`, at: new Date().toISOString() } },
      { type: "stack.failed", data: { stackRunId: root, error: { code: "E", name: HOSTILE, message: `failed ${HOSTILE}` } } },
      { type: "run.failed", data: { taskRunId: id, error: { code: "E", name: HOSTILE, message: `failed ${HOSTILE}` } } },
    ]);
    const page = await openRun(taskRunId, `logged ${HOSTILE}`);
    try {
      await page.getByText(`failed ${HOSTILE}`).first().waitFor();
      expect(await page.evaluate(() => (window as { injected?: number }).injected)).toBeUndefined();
      expect(await page.locator("#content img, #content script").count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it("keeps the page its width for a run that ended with a call left unsettled (an unawaited call's own call)", async () => {
    const child = randomUUID();
    const taskRunId = await recordRun({ name: "Ada" }, (root, id) => [
      { type: "stack.created", data: { stackRunId: child, parentStackRunId: root, seq: 0, service: "sleep", method: ["sleep"], args: [60_000], depth: 1, taskVersion: null } },
      { type: "stack.completed", data: { stackRunId: root, result: "returned" } },
      { type: "run.completed", data: { taskRunId: id, result: "returned" } },
    ]);
    const page = await openRun(taskRunId, "sleep.sleep");
    try {
      await page.waitForTimeout(1500);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, "no sideways scrolling of the whole page").toBeLessThanOrEqual(innerWidth);
    } finally {
      await page.close();
    }
  });
});
