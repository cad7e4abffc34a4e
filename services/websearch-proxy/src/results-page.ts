import { type Cheerio, load } from "cheerio";
import type { Element } from "domhandler";
import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";
import { isAdLink, resultUrlOf } from "./result-link.js";

/** One web result, as a task receives it. */
export interface SearchResult {
  /** The result's title, as text (entities decoded, whitespace collapsed). */
  readonly title: string;
  /** Where the result leads: DuckDuckGo's redirect unwrapped to the target, an http(s) URL. */
  readonly url: string;
  /** The page's excerpt under the title, as text; "" when DuckDuckGo shows none. */
  readonly snippet: string;
}

/** How long a search waits before trying again after DuckDuckGo's bot check, ms: at once would only meet it again. */
export const BOT_CHECK_RETRY_MS = 10_000;

/**
 * The error of DuckDuckGo's bot check (an anomaly page, HTTP 202, or a 403): `RATE_LIMITED`,
 * retryable after `BOT_CHECK_RETRY_MS` (the check lifts after a while), `status` the HTTP status.
 */
export function botCheckError(status: number): ServiceCallError {
  return new ServiceCallError(
    ServiceCodes.RATE_LIMITED,
    `DuckDuckGo answered ${status} with its bot check instead of results: it is refusing automated searches from this address for now`,
    { status, retryable: true, retryAfterMs: BOT_CHECK_RETRY_MS, details: { reason: "bot-check" } },
  );
}

/**
 * The organic results of a DuckDuckGo HTML results page (`html`, fetched from `pageUrl`), in page
 * order: each `div.result` block's `a.result__a` (title, link unwrapped by `resultUrlOf`) and
 * `.result__snippet`; ad blocks (`result--ad`, `y.js` links) are skipped. A page with DuckDuckGo's
 * "No results." block (`.no-results`) and no result is `[]`. Throws `UPSTREAM_FORMAT` (terminal) for a
 * page with neither, or whose result blocks have no readable link, and the bot check's error
 * (`botCheckError`) for its challenge page.
 */
export function parseResultsPage(html: string, pageUrl: string): SearchResult[] {
  const $ = load(html);
  if ($(".anomaly-modal__modal, #challenge-form").length > 0) throw botCheckError(200);
  const blocks = $("div.result").filter((_, block) => $(block).find("a.result__a").length > 0);
  const organic = blocks.filter((_, block) => !isAd($(block), pageUrl));
  const results = organic.toArray().flatMap((block) => resultOf($(block), pageUrl) ?? []);
  if (results.length > 0) return results;
  if (organic.length > 0) {
    throw new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, `DuckDuckGo's results page has ${organic.length} result blocks but no link in them could be read: its layout has changed`);
  }
  if ($(".no-results").length > 0 || blocks.length > 0) return [];
  throw new ServiceCallError(
    ServiceCodes.UPSTREAM_FORMAT,
    "DuckDuckGo answered a page with neither result blocks (div.result with a.result__a) nor its \"No results.\" block: its layout has changed, or this is not its results page",
  );
}

function isAd(block: Cheerio<Element>, pageUrl: string): boolean {
  return block.hasClass("result--ad") || isAdLink(block.find("a.result__a").first().attr("href") ?? "", pageUrl);
}

function resultOf(block: Cheerio<Element>, pageUrl: string): SearchResult | undefined {
  const link = block.find("a.result__a").first();
  const url = resultUrlOf(link.attr("href") ?? "", pageUrl);
  if (url === undefined) return undefined;
  return { title: textOf(link), url, snippet: textOf(block.find(".result__snippet").first()) };
}

/** An element's text, entities decoded, runs of whitespace as one space. */
function textOf(element: Cheerio<Element>): string {
  return element.text().split(/\s+/).filter(Boolean).join(" ");
}
