/**
 * The web address a result's title link leads to, `href` as the page has it, resolved against the
 * page's own URL `pageUrl`: a DuckDuckGo redirect (`//duckduckgo.com/l/?uddg=<target>&rut=...`,
 * protocol-relative, absolute or relative to the page) gives its `uddg` target, decoded; any other
 * link is its own target. Undefined when the target is not an http(s) URL (an empty or `javascript:`
 * link, a redirect without its `uddg`).
 */
export function resultUrlOf(href: string, pageUrl: string): string | undefined {
  if (href.trim() === "" || !URL.canParse(href, pageUrl)) return undefined;
  const link = new URL(href, pageUrl);
  const target = isRedirect(link) ? link.searchParams.get("uddg") : link.href;
  return target !== null && isWebUrl(target) ? target : undefined;
}

/** Whether `link` is a DuckDuckGo ad click (`duckduckgo.com/y.js?ad_domain=...`), never a result. */
export function isAdLink(href: string, pageUrl: string): boolean {
  return URL.canParse(href, pageUrl) && new URL(href, pageUrl).pathname === "/y.js";
}

function isRedirect(link: URL): boolean {
  return link.pathname === "/l/" || link.pathname === "/l";
}

function isWebUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === "http:" || protocol === "https:";
}
