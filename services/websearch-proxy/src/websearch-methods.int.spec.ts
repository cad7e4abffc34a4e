import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { JsonValue } from "@tasker/contracts";
import { type CallContext, classifyError, type ServiceCallError } from "@tasker/service-kit";
import { fakeSearchTarget, type FakeDuckDuckGo, freePort, startFakeDuckDuckGo } from "@tasker/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MAX_PAGE_BYTES } from "./capped-text.js";
import { createWebsearchClient, type WebsearchClient } from "./duckduckgo-client.js";
import { loadWebsearchConfig } from "./websearch-config.js";
import { websearchMethods } from "./websearch-methods.js";

const context = (signal = new AbortController().signal): CallContext => ({ service: "websearch", method: ["search"], taskRunId: "r", namespace: "team-b", stackRunId: "s", attempt: 1, signal });

function search(client: WebsearchClient, args: JsonValue[], signal?: AbortSignal): Promise<JsonValue> {
  return websearchMethods.resolve(["search"])!(client, args, context(signal));
}

/** What the call failed with, classified as the kit does. */
async function failureOf(call: Promise<unknown>): Promise<ServiceCallError> {
  try {
    await call;
  } catch (error) {
    return classifyError(error);
  }
  throw new Error("the search succeeded");
}

describe("websearch.search over HTTP against a fake DuckDuckGo", () => {
  let fake: FakeDuckDuckGo;
  let client: WebsearchClient;

  beforeAll(async () => {
    fake = await startFakeDuckDuckGo();
    client = createWebsearchClient(loadWebsearchConfig({ WEBSEARCH_BASE_URL: fake.url }));
  });
  afterEach(() => fake.clearFaults());
  afterAll(() => fake?.close());

  it("posts the query as DuckDuckGo's form does and answers maxResults results, targets unwrapped", async () => {
    const before = fake.requests();
    const results = (await search(client, ["  quantum tunnelling ", { maxResults: 3 }])) as { title: string; url: string; snippet: string }[];
    expect(results.map((r) => r.url)).toEqual([1, 2, 3].map((n) => fakeSearchTarget("quantum tunnelling", n)));
    expect(Object.keys(results[0]!).sort()).toEqual(["snippet", "title", "url"]);
    expect(fake.requests()).toBe(before + 1);
    expect(fake.queries().at(-1)).toBe("quantum tunnelling");
    expect(await search(client, ["quantum tunnelling"])).toHaveLength(10);
  });

  it("answers [] when nothing matches, and UPSTREAM_FORMAT for a changed layout or a page cut short", async () => {
    fake.inject({ kind: "no-results" }, 1);
    expect(await search(client, ["qwxzjv plorf"])).toEqual([]);
    fake.inject({ kind: "changed-layout" }, 1);
    expect(await failureOf(search(client, ["anything"]))).toMatchObject({ code: "UPSTREAM_FORMAT", retryable: false });
    fake.inject({ kind: "malformed" }, 1);
    expect(await failureOf(search(client, ["anything"]))).toMatchObject({ code: "UPSTREAM_FORMAT", retryable: false });
  });

  it("classifies 429 with its Retry-After and 500 as retryable, a 404 as terminal", async () => {
    fake.inject({ kind: "status", status: 429, retryAfter: "1" }, 1);
    expect(await failureOf(search(client, ["q"]))).toMatchObject({ code: "RATE_LIMITED", status: 429, retryable: true, retryAfterMs: 1000 });
    fake.inject({ kind: "status", status: 500 }, 1);
    expect(await failureOf(search(client, ["q"]))).toMatchObject({ code: "UPSTREAM_5XX", status: 500, retryable: true });
    fake.inject({ kind: "status", status: 404 }, 1);
    expect(await failureOf(search(client, ["q"]))).toMatchObject({ code: "UPSTREAM_4XX", status: 404, retryable: false });
  });

  it("answers DuckDuckGo's bot check (202 with its challenge, or 403) RATE_LIMITED, retryable after a while", async () => {
    fake.inject({ kind: "bot-check" }, 1);
    const challenged = await failureOf(search(client, ["q"]));
    expect(challenged).toMatchObject({ code: "RATE_LIMITED", status: 202, retryable: true, retryAfterMs: 10_000, details: { reason: "bot-check" } });
    expect(challenged.message).toContain("bot check");
    fake.inject({ kind: "status", status: 403 }, 1);
    expect(await failureOf(search(client, ["q"]))).toMatchObject({ code: "RATE_LIMITED", status: 403, details: { reason: "bot-check" } });
  });

  it("drops a slow answer when the attempt's signal aborts (TIMEOUT), and reports a refused connection (NETWORK_ERROR)", async () => {
    fake.inject({ kind: "delay", ms: 5_000 }, 1);
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 200);
    expect(await failureOf(search(client, ["q"], abort.signal))).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(Date.now() - started).toBeLessThan(3_000);
    const nowhere = createWebsearchClient(loadWebsearchConfig({ WEBSEARCH_BASE_URL: `http://127.0.0.1:${await freePort()}/html/` }));
    expect(await failureOf(search(nowhere, ["q"]))).toMatchObject({ code: "NETWORK_ERROR", retryable: true });
  });

  it("stops reading a page that never ends at MAX_PAGE_BYTES: UPSTREAM_FORMAT, terminal", async () => {
    const endless = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      const chunk = Buffer.alloc(64 * 1024, "<p>");
      const pour = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once("drain", pour);
      };
      pour();
    });
    await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
    try {
      const port = (endless.address() as AddressInfo).port;
      const pouring = createWebsearchClient(loadWebsearchConfig({ WEBSEARCH_BASE_URL: `http://127.0.0.1:${port}/html/` }));
      const failure = await failureOf(search(pouring, ["q"]));
      expect(failure).toMatchObject({ code: "UPSTREAM_FORMAT", retryable: false });
      expect(failure.message).toContain(`larger than ${MAX_PAGE_BYTES} bytes`);
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });

  it("checks its configuration, naming the variable", () => {
    expect(loadWebsearchConfig({}).WEBSEARCH_BASE_URL).toBe("https://html.duckduckgo.com/html/");
    expect(() => loadWebsearchConfig({ WEBSEARCH_BASE_URL: "ftp://example.org/" })).toThrow(/WEBSEARCH_BASE_URL: must be an http\(s\) URL/);
    expect(() => loadWebsearchConfig({ WEBSEARCH_BASE_URL: "not a url" })).toThrow(/WEBSEARCH_BASE_URL/);
  });
});
