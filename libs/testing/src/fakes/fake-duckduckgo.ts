import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  duckDuckGoBotCheckPage,
  duckDuckGoChangedLayoutPage,
  duckDuckGoNoResultsPage,
  duckDuckGoRedirect,
  duckDuckGoResultsPage,
  escapeHtml,
  type FakeSearchResult,
} from "./fake-duckduckgo-pages.js";
import { type FakeFault, FaultPlan } from "./fake-google-faults.js";

/**
 * What the fake does instead of its normal page: a fault shared with the fake Google (an error status
 * with a plain-text body and `Retry-After`, a delay, a page cut short, a dropped connection), or one of
 * DuckDuckGo's other pages: "No results.", a changed layout, the bot check (HTTP 202).
 */
export type DuckDuckGoFault = FakeFault | { readonly kind: "no-results" } | { readonly kind: "changed-layout" } | { readonly kind: "bot-check" };

export interface FakeDuckDuckGoOptions {
  /** Organic results on every results page. Default 30 (what one html.duckduckgo.com page holds). */
  readonly resultsPerPage?: number;
}

/**
 * A stand-in for html.duckduckgo.com on `127.0.0.1`: `GET /html/?q=...` or `POST /html/` (form
 * `q=...`, as DuckDuckGo's own form sends it) answers DuckDuckGo's results-page markup, with an ad
 * first and results derived from the query (`fakeSearchTarget`), their links DuckDuckGo redirects.
 */
export interface FakeDuckDuckGo {
  /** The search endpoint, `http://127.0.0.1:<port>/html/`: the service's `WEBSEARCH_BASE_URL`. */
  readonly url: string;
  /** Requests received, faulted ones included. */
  requests(): number;
  /** The `q` of every request received, in order. */
  queries(): string[];
  /** The next `times` requests (default: every one) get `fault`. */
  inject(fault: DuckDuckGoFault, times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** The target URL of the fake's `index`th (1-based) result for `query`. */
export function fakeSearchTarget(query: string, index: number): string {
  return `https://site${index}.example/articles/${encodeURIComponent(query.trim().toLowerCase().replaceAll(/\s+/g, "-"))}?from=search&n=${index}`;
}

/** The title of the fake's `index`th result for `query`, as text (the page carries it HTML-escaped). */
export function fakeSearchTitle(query: string, index: number): string {
  return `${query} & co. — result ${index}`;
}

/** The snippet of the fake's `index`th result for `query`, as text (the page bolds the query in it). */
export function fakeSearchSnippet(query: string, index: number): string {
  return `Everything about ${query}: fact number ${index}, in "plain" words.`;
}

/** The fake's results for `query`: `count` of them, derived from it. */
export function fakeSearchResults(query: string, count: number): FakeSearchResult[] {
  return Array.from({ length: count }, (_, i) => {
    const target = fakeSearchTarget(query, i + 1);
    return {
      titleHtml: escapeHtml(fakeSearchTitle(query, i + 1)),
      href: duckDuckGoRedirect(target),
      snippetHtml: escapeHtml(fakeSearchSnippet(query, i + 1)).replace(escapeHtml(query), `<b>${escapeHtml(query)}</b>`),
      displayUrl: new URL(target).host,
    };
  });
}

/** Starts a fake DuckDuckGo on an ephemeral port. */
export async function startFakeDuckDuckGo(options: FakeDuckDuckGoOptions = {}): Promise<FakeDuckDuckGo> {
  const perPage = options.resultsPerPage ?? 30;
  const faults = new FaultPlan<DuckDuckGoFault>();
  const queries: string[] = [];
  let requests = 0;

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requests++;
    const url = new URL(request.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = request.method === "POST" ? new URLSearchParams(Buffer.concat(chunks).toString("utf8")) : url.searchParams;
    const query = form.get("q") ?? "";
    queries.push(query);
    const fault = faults.take("/");
    if (fault?.kind === "reset") return void request.socket.destroy();
    if (fault?.kind === "delay") await faults.sleep(fault.ms);
    if (response.destroyed) return;
    const html = (status: number, body: string, headers: Record<string, string> = {}) =>
      void response.writeHead(status, { "content-type": "text/html; charset=UTF-8", ...headers }).end(body);
    if (fault?.kind === "status") {
      return void response
        .writeHead(fault.status, { "content-type": "text/plain; charset=UTF-8", ...(fault.retryAfter && { "retry-after": fault.retryAfter }) })
        .end(fault.message ?? `Injected ${fault.status}`);
    }
    if (url.pathname !== "/html/" && url.pathname !== "/html") return html(404, "<html><body>Not Found</body></html>");
    if (!["GET", "POST"].includes(request.method ?? "")) return html(405, "<html><body>Method Not Allowed</body></html>");
    if (query.trim() === "") return html(400, "<html><body>a query (q) is required</body></html>");
    if (fault?.kind === "bot-check") return html(202, duckDuckGoBotCheckPage(query));
    if (fault?.kind === "no-results") return html(200, duckDuckGoNoResultsPage(query));
    const results = fakeSearchResults(query, perPage);
    if (fault?.kind === "changed-layout") return html(200, duckDuckGoChangedLayoutPage(query, results));
    const page = duckDuckGoResultsPage(query, results);
    // Cut before the results: what a proxy's error page or a half-sent answer looks like.
    html(200, fault?.kind === "malformed" ? page.slice(0, page.indexOf('<div class="serp__results">')) : page);
  }

  const server = createServer((request, response) => {
    serve(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/html/`,
    requests: () => requests,
    queries: () => [...queries],
    inject: (fault, times) => faults.add(fault, "/", times),
    clearFaults: () => faults.clear(),
    async close() {
      faults.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
