import {
  duckDuckGoBotCheckPage,
  duckDuckGoChangedLayoutPage,
  duckDuckGoNoResultsPage,
  duckDuckGoRedirect,
  duckDuckGoResultsPage,
  fakeSearchResults,
  fakeSearchSnippet,
  fakeSearchTarget,
  fakeSearchTitle,
  type FakeSearchResult,
} from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { parseResultsPage } from "./results-page.js";

const PAGE_URL = "https://html.duckduckgo.com/html/";

const result = (overrides: Partial<FakeSearchResult>): FakeSearchResult => ({
  titleHtml: "A title",
  href: duckDuckGoRedirect("https://example.org/a"),
  snippetHtml: "A snippet",
  displayUrl: "example.org",
  ...overrides,
});

function failureOf(run: () => unknown): { code: string; message: string; retryable: boolean } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string; retryable: boolean };
  }
  throw new Error("the page was parsed without an error");
}

describe("parseResultsPage on DuckDuckGo's markup", () => {
  it("reads every organic result of a results page in order, the ad skipped, redirects unwrapped", () => {
    const results = parseResultsPage(duckDuckGoResultsPage("black holes", fakeSearchResults("black holes", 30)), PAGE_URL);
    expect(results).toHaveLength(30);
    expect(results[0]).toEqual({ title: fakeSearchTitle("black holes", 1), url: fakeSearchTarget("black holes", 1), snippet: fakeSearchSnippet("black holes", 1) });
    expect(results[29]!.url).toBe(fakeSearchTarget("black holes", 30));
    expect(results.map((r) => r.title)).not.toContain("Buy It Now at Shop Example");
    expect(results.some((r) => r.url.includes("duckduckgo.com"))).toBe(false);
  });

  it("decodes HTML entities and drops the snippet's bold tags, collapsing whitespace", () => {
    const page = duckDuckGoResultsPage("q", [
      result({ titleHtml: "Tom &amp; Jerry&#39;s &lt;guide&gt; &mdash; caf&eacute;\n   &#x1F600;", snippetHtml: "The <b>best</b>\n\t   guide &quot;ever&quot;&nbsp;written" }),
    ]);
    expect(parseResultsPage(page, PAGE_URL)).toEqual([{ title: "Tom & Jerry's <guide> — café 😀", url: "https://example.org/a", snippet: 'The best guide "ever" written' }]);
  });

  it("answers an empty snippet for a result without one", () => {
    const page = duckDuckGoResultsPage("q", [result({ snippetHtml: undefined })]);
    expect(parseResultsPage(page, PAGE_URL)).toEqual([{ title: "A title", url: "https://example.org/a", snippet: "" }]);
  });

  it("unwraps protocol-relative, absolute and page-relative redirects, and keeps a direct link as it is", () => {
    const target = "https://example.org/path/to?x=1&y=a%20b#frag";
    const page = duckDuckGoResultsPage("q", [
      result({ href: duckDuckGoRedirect(target) }),
      result({ href: duckDuckGoRedirect(target, "https://duckduckgo.com") }),
      result({ href: duckDuckGoRedirect(target, "") }),
      result({ href: "http://direct.example/page?a=1" }),
    ]);
    expect(parseResultsPage(page, PAGE_URL).map((r) => r.url)).toEqual([target, target, target, "http://direct.example/page?a=1"]);
  });

  it("skips a result whose link leads nowhere a browser would go, and an ad without its class", () => {
    const page = duckDuckGoResultsPage(
      "q",
      [
        result({ href: "javascript:alert(1)" }),
        result({ href: "//duckduckgo.com/l/?rut=abc" }),
        result({ href: "https://duckduckgo.com/y.js?ad_domain=x.example" }),
        result({ href: duckDuckGoRedirect("https://kept.example/") }),
      ],
      { ad: false },
    );
    expect(parseResultsPage(page, PAGE_URL).map((r) => r.url)).toEqual(["https://kept.example/"]);
  });

  it("answers [] for DuckDuckGo's No results. page", () => {
    expect(parseResultsPage(duckDuckGoNoResultsPage("qwxzjv plorf"), PAGE_URL)).toEqual([]);
  });

  it("fails UPSTREAM_FORMAT, terminal, for a changed layout, never an empty list", () => {
    const failure = failureOf(() => parseResultsPage(duckDuckGoChangedLayoutPage("q", fakeSearchResults("q", 5)), PAGE_URL));
    expect(failure).toMatchObject({ code: "UPSTREAM_FORMAT", retryable: false });
    expect(failure.message).toContain("layout has changed");
    expect(failureOf(() => parseResultsPage("<html><body><h1>502 Bad Gateway</h1></body></html>", PAGE_URL))).toMatchObject({ code: "UPSTREAM_FORMAT" });
    expect(failureOf(() => parseResultsPage("", PAGE_URL))).toMatchObject({ code: "UPSTREAM_FORMAT" });
  });

  it("fails UPSTREAM_FORMAT when result blocks are there but none has a readable link", () => {
    const page = duckDuckGoResultsPage("q", [result({ href: "javascript:void(0)" }), result({ href: "" })], { ad: false });
    expect(failureOf(() => parseResultsPage(page, PAGE_URL))).toMatchObject({ code: "UPSTREAM_FORMAT", message: expect.stringContaining("2 result blocks") });
  });

  it("recognises the bot check's challenge page, even answered 200, as RATE_LIMITED and retryable", () => {
    expect(failureOf(() => parseResultsPage(duckDuckGoBotCheckPage("q"), PAGE_URL))).toMatchObject({ code: "RATE_LIMITED", retryable: true, retryAfterMs: 10_000 });
  });
});
