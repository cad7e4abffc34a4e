import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";

/** The most of a results page read, bytes: DuckDuckGo's pages are tens of KB; more is not a results page. */
export const MAX_PAGE_BYTES = 5 * 1024 * 1024;

/**
 * `response`'s body as UTF-8 text, read as it arrives and dropped past `maxBytes`: an upstream that
 * streams without end fails `UPSTREAM_FORMAT` (terminal) at that size instead of growing the proxy's
 * memory until the attempt's timeout.
 */
export async function cappedText(response: Response, maxBytes = MAX_PAGE_BYTES): Promise<string> {
  if (!response.body) return "";
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    // Throwing out of the loop cancels the body (the iterator's return): the connection is let go.
    if (bytes > maxBytes) {
      throw new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, `the search page is larger than ${maxBytes} bytes: WEBSEARCH_BASE_URL does not answer DuckDuckGo's results page`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
