/** One organic result of a fake results page, as DuckDuckGo's markup carries it. */
export interface FakeSearchResult {
  /** The title's markup (HTML: entities and tags are the page's, as DuckDuckGo sends them). */
  readonly titleHtml: string;
  /** The `href` of the title link: a DuckDuckGo redirect (`duckDuckGoRedirect`) or a direct link. */
  readonly href: string;
  /** The snippet's markup (with `<b>` around the query's words); undefined: no snippet element. */
  readonly snippetHtml?: string;
  /** The host shown under the title. */
  readonly displayUrl: string;
}

/** `&`, `<`, `>`, `"` escaped for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** The redirect link DuckDuckGo puts on a result (`//duckduckgo.com/l/?uddg=<target>&rut=<token>`), protocol-relative unless `base` is given. */
export function duckDuckGoRedirect(target: string, base = "//duckduckgo.com"): string {
  return `${base}/l/?uddg=${encodeURIComponent(target)}&rut=${Buffer.from(target).toString("hex").slice(0, 32)}`;
}

function resultBlock(result: FakeSearchResult): string {
  const href = escapeHtml(result.href);
  const snippet = result.snippetHtml === undefined ? "" : `\n      <a class="result__snippet" href="${href}">${result.snippetHtml}</a>`;
  return `
  <div class="result results_links results_links_deep web-result ">
    <div class="links_main links_deep result__body">
      <h2 class="result__title">
        <a rel="nofollow" class="result__a" href="${href}">${result.titleHtml}</a>
      </h2>
      <div class="result__extras">
        <div class="result__extras__url">
          <span class="result__icon"><a rel="nofollow" href="${href}"><img class="result__icon__img" width="16" height="16" alt="" src="//external-content.duckduckgo.com/ip3/${escapeHtml(result.displayUrl)}.ico" name="i15" /></a></span>
          <a class="result__url" href="${href}">${escapeHtml(result.displayUrl)}</a>
        </div>
      </div>${snippet}
      <div class="clear"></div>
    </div>
  </div>`;
}

const AD_BLOCK = `
  <div class="result results_links results_links_deep result--ad  result--ad--small">
    <div class="links_main links_deep result__body">
      <h2 class="result__title">
        <a rel="nofollow" class="result__a" href="https://duckduckgo.com/y.js?ad_domain=shop.example&amp;ad_provider=bingv7aa&amp;ad_type=txad">Buy It Now at Shop Example</a>
      </h2>
      <div class="result__extras"><div class="result__extras__url"><a class="result__url" href="https://duckduckgo.com/y.js?ad_domain=shop.example">shop.example</a><span class="badge--ad">Ad</span></div></div>
      <a class="result__snippet" href="https://duckduckgo.com/y.js?ad_domain=shop.example">Sponsored: everything you searched for, on sale.</a>
    </div>
  </div>`;

function page(query: string, links: string): string {
  const q = escapeHtml(query);
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
  <meta http-equiv="content-type" content="text/html; charset=UTF-8" />
  <meta name="referrer" content="origin" />
  <title>${q} at DuckDuckGo</title>
  <link rel="stylesheet" href="/dist/h.css" type="text/css" />
</head>
<body class="body--html">
  <a name="top" id="top"></a>
  <form action="/html/" method="post">
    <input type="text" name="state_hidden" id="state_hidden" />
  </form>
  <div>
    <div class="site-wrapper-border"></div>
    <div id="header" class="header cw header--html">
      <a title="DuckDuckGo" href="/html/" class="header__logo-wrap"></a>
      <form name="x" class="header__form" action="/html/" method="post">
        <div class="search search--header">
          <input name="q" autocomplete="off" class="search__input" id="search_form_input_homepage" type="text" value="${q}" />
          <input name="b" id="search_button_homepage" class="search__button search__button--html" value="" title="Search" alt="Search" type="submit" />
        </div>
        <div class="frm__select"><select name="kl"><option value="" selected>All Regions</option><option value="us-en">US (English)</option></select></div>
      </form>
    </div>
    <div class="serp__results">
      <div id="links" class="results">${links}
      </div>
    </div>
  </div>
</body>
</html>
`;
}

/** A results page for `query` as html.duckduckgo.com serves it: an ad first (optional), then `results`, then the "Next" form. */
export function duckDuckGoResultsPage(query: string, results: readonly FakeSearchResult[], options: { ad?: boolean } = {}): string {
  const next = `
  <div class="nav-link">
    <form action="/html/" method="post">
      <input type="submit" class="btn btn--alt" value="Next" />
      <input type="hidden" name="q" value="${escapeHtml(query)}" />
      <input type="hidden" name="s" value="${results.length}" />
      <input type="hidden" name="dc" value="${results.length + 1}" />
    </form>
  </div>`;
  return page(query, `${options.ad === false ? "" : AD_BLOCK}${results.map(resultBlock).join("")}${next}`);
}

/** DuckDuckGo's page for a query nothing matches: its "No results." block in place of results. */
export function duckDuckGoNoResultsPage(query: string): string {
  return page(query, `
  <div class="result results_links_deep highlight_d result--no-result">
    <div class="no-results">No  results.</div>
  </div>`);
}

/** A results page whose markup changed (new class names): neither result blocks nor the no-results marker a parser knows. */
export function duckDuckGoChangedLayoutPage(query: string, results: readonly FakeSearchResult[]): string {
  const items = results.map((result) => `<article class="serp-item"><h3><a href="${escapeHtml(result.href)}">${result.titleHtml}</a></h3><p>${result.snippetHtml ?? ""}</p></article>`);
  return page(query, items.join("\n"));
}

/** The page DuckDuckGo answers (with HTTP 202) when it takes the client for a bot: a challenge instead of results. */
export function duckDuckGoBotCheckPage(query: string): string {
  return page(query, `
  <div class="anomaly-modal__mask">
    <div class="anomaly-modal__modal" data-testid="anomaly-modal">
      <div class="anomaly-modal__title">Unfortunately, bots use DuckDuckGo too.</div>
      <div class="anomaly-modal__description">Please complete the following challenge to confirm this search was made by a human.</div>
      <form id="challenge-form" action="//duckduckgo.com/anomaly.js?sv=html&amp;cc=botnet" method="POST"></form>
    </div>
  </div>`);
}
