import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { eventually, launchChromium, TaskerSystem } from "@tasker/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The run inspector (`/ui`) in headless Chromium (Debian's, which `.ci/run` installs), against a
 * whole Tasker with `TASKER_AUTH=on`: a person signs in with a key of namespace `team-a` and works
 * with that namespace's runs only. Screenshots of each page go to docs/screenshots/ (the README shows them).
 */
const SCREENSHOTS = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));
const ADMIN_TOKEN = randomBytes(24).toString("base64url");
/** Generous: CI's machine is shared and loaded. */
const WAIT_MS = 20_000;

/** A nested run slow enough to watch: each level logs, sleeps 1.5 s, then calls the next level down. */
const NESTED = `/**
 * @task nested-with-pauses
 * @description Logs its level, sleeps, and calls itself one level down until level 0.
 * @param {object} input - Input parameters
 * @param {number} input.depth - Levels below this one
 */
export default async function (input, tools) {
  console.log(\`level \${input.depth}\`);
  await tools.sleep(1500);
  if (input.depth === 0) return { depth: 0 };
  return { depth: input.depth, nested: await tools.tasks.execute("nested-with-pauses", { depth: input.depth - 1 }) };
}`;
const WAITS = `/** @task waits-for-go @description Waits for the signal go. */
module.exports = async (input, { tools }) => tools.signals.wait("go");`;

let tasker: TaskerSystem;
let browser: Browser;
let page: Page;
const keys: Record<string, string> = {};
/** What the page threw and did not catch, and what the content security policy refused: none expected. */
const pageFaults: string[] = [];

async function as<T>(namespace: string, method: string, path: string, body?: unknown): Promise<T> {
  const { status, body: answer } = await tasker.request<T>(method, path, body, { authorization: `Bearer ${keys[namespace]}` });
  if (status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(answer)}`);
  return answer;
}
const submit = async (namespace: string, taskName: string, input: unknown) => (await as<{ taskRunId: string }>(namespace, "POST", "/tasks", { taskName, input })).taskRunId;

/** The visible text of the run page's status badge in its header. */
const headerStatus = () => page.locator(".run-header .status").innerText({ timeout: WAIT_MS });

beforeAll(async () => {
  [tasker, browser] = await Promise.all([TaskerSystem.start({ TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: ADMIN_TOKEN }), launchChromium()]);
  for (const namespace of ["team-a", "team-b"]) {
    const made = await tasker.request<{ key: string }>("POST", "/auth/keys", { namespace, role: "publish" }, { authorization: `Bearer ${ADMIN_TOKEN}` });
    keys[namespace] = made.body.key;
  }
  await as("team-a", "POST", "/task-functions", { name: "nested-with-pauses", code: NESTED.replace("Logs its level", "An older version: logs its level") });
  await as("team-a", "POST", "/task-functions", { name: "nested-with-pauses", code: NESTED });
  await as("team-a", "POST", "/task-functions", { name: "waits-for-go", code: WAITS });
  await as("team-a", "POST", "/task-functions", { name: "noop", code: "module.exports = async () => null;" });
  await as("team-a", "POST", "/task-functions", { name: "fan-out", code: "module.exports = async (input, { tools }) => (await Promise.all(Array.from({ length: 120 }, () => tools.sleep(1)))).length;" });
  await as("team-b", "POST", "/task-functions", { name: "nested-calls-test", code: await readFile(new URL("../../tasks/nested-calls-test.js", import.meta.url), "utf8") });
  await mkdir(SCREENSHOTS, { recursive: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (error) => pageFaults.push(error.message));
  page.on("console", (message) => message.text().includes("Content Security Policy") && pageFaults.push(message.text()));
});

afterAll(async () => {
  await browser?.close();
  await tasker?.stop();
});

describe("the run inspector at /ui (TASKER_AUTH=on)", () => {
  let nestedRun: string;
  let otherTeamsRun: string;

  it("asks for an API key, then lists the runs of the key's namespace only", async () => {
    otherTeamsRun = await submit("team-b", "nested-calls-test", { depth: 1 });
    nestedRun = await submit("team-a", "nested-with-pauses", { depth: 2 });
    // The page itself needs no key; it loads nothing but the gateway's own files.
    const answer = await page.goto(`${tasker.url}/ui/`);
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await page.getByLabel("API key").fill("tsk_not-a-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor({ timeout: WAIT_MS });
    await page.getByLabel("API key").fill(keys["team-a"]!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator(`tr[data-run-id="${nestedRun}"]`).waitFor({ timeout: WAIT_MS });
    expect(await page.locator(`tr[data-run-id="${otherTeamsRun}"]`).count()).toBe(0);
  });

  it("follows a nested run live: the tree fills in until the run completes, a node expands, a log line and an event read", async () => {
    const taskRunId = await submit("team-a", "nested-with-pauses", { depth: 2 });
    await page.goto(`${tasker.url}/ui/runs/${taskRunId}`);
    const lanes = page.locator(".timeline .lane");
    await lanes.first().waitFor({ timeout: WAIT_MS });
    const seenLive = { status: await headerStatus(), lanes: await lanes.count() };
    expect(["queued", "processing", "suspended"]).toContain(seenLive.status);
    // root, 3 sleeps, 2 nested runs: the page shows them arriving, with no reload.
    await eventually(async () => (await headerStatus()) === "completed", "the page shows the run completed", WAIT_MS);
    await eventually(async () => (await lanes.count()) === 6, "the timeline has a bar per stack run", WAIT_MS);
    expect(seenLive.lanes).toBeLessThan(6);
    expect(await page.locator(".run-header .values").innerText()).toContain('"depth": 2');
    // The root ran three times (its start, its resume after the sleep, its resume with the nested result), suspended between.
    const rootLane = lanes.first();
    expect(await rootLane.locator(".seg-active").count()).toBe(3);
    expect(await rootLane.locator(".seg-suspended").count()).toBeGreaterThan(0);

    const tree = page.getByRole("list", { name: "Call tree" });
    // The root's calls show; the nested run's own calls open on demand.
    const levelOne = tree.locator(":scope > li > ul > li").nth(1);
    expect(await levelOne.locator(".call").allInnerTexts()).toEqual(["tasks.execute nested-with-pauses"]);
    // By keyboard: the toggle is a real button.
    await levelOne.getByRole("button", { name: "Expand tasks.execute nested-with-pauses" }).first().focus();
    await page.keyboard.press("Enter");
    await eventually(async () => (await levelOne.locator(".call").count()) === 3, "the expanded node shows its calls", WAIT_MS);
    expect(await levelOne.locator(".call").allInnerTexts()).toEqual(["tasks.execute nested-with-pauses", "sleep.sleep", "tasks.execute nested-with-pauses"]);

    const logs = page.locator("table.logs tbody tr");
    expect(await logs.allInnerTexts()).toHaveLength(3);
    await page.getByLabel("Text").fill("level 0");
    await eventually(async () => (await logs.count()) === 1, "the text filter leaves one line", WAIT_MS);
    expect(await logs.first().innerText()).toMatch(/info\s+\w{8}\s+level 0/);

    const ended = page.locator(".events details", { hasText: "run.completed" });
    await ended.locator("summary").click();
    expect(JSON.parse(await ended.locator("pre").innerText())).toMatchObject({ type: "run.completed", metadata: { streamVersion: expect.any(Number) } });
    await page.getByLabel("Text").fill("");
    await page.getByLabel("Text").blur();
    await page.screenshot({ path: `${SCREENSHOTS}run.png`, fullPage: true });

    // On a phone the panels stack in one column, and nothing is wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENSHOTS}run-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("cancels a running run from its page, which then shows it cancelled", async () => {
    const taskRunId = await submit("team-a", "waits-for-go", {});
    await page.goto(`${tasker.url}/ui/runs/${taskRunId}`);
    await eventually(async () => (await headerStatus()) === "suspended", "the run waits for its signal", WAIT_MS);
    await eventually(async () => (await page.locator(".tree .waits").allInnerTexts()).join() === "waits on #0 signals.wait", "the tree says what the run waits on", WAIT_MS);
    await page.getByRole("button", { name: "Cancel run" }).click();
    await eventually(async () => (await headerStatus()) === "cancelled", "the page shows the run cancelled", WAIT_MS);
    expect(await page.locator(".run-header .error-code").innerText()).toBe("CANCELLED");
    expect(await page.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
  });

  it("filters the runs list by status and by task", async () => {
    await page.getByRole("link", { name: "Runs", exact: true }).click();
    const rows = page.locator("table.runs tbody tr");
    await rows.first().waitFor({ timeout: WAIT_MS });
    await page.getByLabel("Status").selectOption("cancelled");
    await eventually(async () => (await rows.allInnerTexts()).length === 1 && (await rows.first().innerText()).includes("waits-for-go"), "only the cancelled run is listed", WAIT_MS);
    await page.getByLabel("Status").selectOption("");
    await page.getByLabel("Task").selectOption("nested-with-pauses");
    await eventually(async () => (await rows.count()) === 2, "only the two nested runs are listed", WAIT_MS);
    expect(await rows.locator(".status").allInnerTexts()).toEqual(["completed", "completed"]);
    await page.getByLabel("Task").selectOption("");
    await eventually(async () => (await rows.count()) === 3, "every run of team-a is listed", WAIT_MS);
    await page.screenshot({ path: `${SCREENSHOTS}runs.png`, fullPage: true });

    // A run submitted now appears at the top, and its status changes, with no reload.
    const newRun = await submit("team-a", "nested-with-pauses", { depth: 0 });
    await eventually(async () => (await rows.first().getAttribute("data-run-id")) === newRun, "the new run is listed first", WAIT_MS);
    await eventually(async () => (await rows.first().locator(".status").innerText()) === "completed", "the new run is listed completed", WAIT_MS);

    await page.getByLabel("Run id").fill(nestedRun);
    await page.getByRole("button", { name: "Open" }).click();
    await eventually(async () => page.url().endsWith(`/ui/runs/${nestedRun}`), "the search opens the run", WAIT_MS);
  });

  it("shows the task functions, their params, and the code of any version", async () => {
    await page.getByRole("link", { name: "Tasks", exact: true }).click();
    await page.getByRole("link", { name: "nested-with-pauses" }).click();
    const detail = page.locator(".task-detail");
    await detail.locator("table.params").waitFor({ timeout: WAIT_MS });
    expect(await detail.locator("p").first().innerText()).toBe("Logs its level, sleeps, and calls itself one level down until level 0.");
    expect(await detail.locator("table.params").innerText()).toContain("input.depth");
    const versions = detail.locator(".versions li");
    await eventually(async () => (await versions.count()) === 2, "both versions are listed", WAIT_MS);
    await detail.locator('.versions a:not([aria-current="page"])').click();
    await eventually(async () => (await detail.locator("pre.code").innerText()).includes("An older version: logs its level"), "the older version's code shows", WAIT_MS);
    await page.screenshot({ path: `${SCREENSHOTS}tasks.png`, fullPage: true });
  });

  it("shows a run of many calls a hundred at a time in the tree", async () => {
    const taskRunId = await submit("team-a", "fan-out", {});
    await page.goto(`${tasker.url}/ui/runs/${taskRunId}`);
    await eventually(async () => (await headerStatus()) === "completed", "the run completed", WAIT_MS);
    const calls = page.locator(".tree > li > ul > li[data-stack-run-id]");
    await eventually(async () => (await calls.count()) === 100, "the tree lists 100 calls", WAIT_MS);
    await page.getByRole("button", { name: "Show 20 more calls" }).click();
    await eventually(async () => (await calls.count()) === 120, "the tree lists every call", WAIT_MS);
  });

  it("pages through the runs, 25 a page", async () => {
    for (let i = 0; i < 26; i++) await submit("team-a", "noop", { i });
    await page.getByRole("link", { name: "Runs", exact: true }).click();
    const rows = page.locator("table.runs tbody tr");
    await page.getByLabel("Task").selectOption("noop");
    await eventually(async () => (await rows.count()) === 25, "the first page holds 25 runs", WAIT_MS);
    const newest = await rows.first().getAttribute("data-run-id");
    await page.getByRole("button", { name: "Older" }).click();
    await eventually(async () => (await rows.count()) === 1, "the second page holds the oldest run", WAIT_MS);
    expect(await page.getByRole("button", { name: "Older" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Newer" }).click();
    await eventually(async () => (await rows.first().getAttribute("data-run-id")) === newest, "back on the first page", WAIT_MS);
  });

  it("threw nothing on any page, and loaded nothing the content security policy refused", () => {
    expect(pageFaults).toEqual([]);
  });
});
