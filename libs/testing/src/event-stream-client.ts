/** One message of a `text/event-stream`, as the HTML standard's parser builds it. */
export interface ServerSentEvent {
  /** `event:`; "message" when the server named none. */
  readonly event: string;
  /** `id:`; undefined when the message set none. */
  readonly id: string | undefined;
  /** The `data:` lines, joined by "\n". */
  readonly data: string;
}

/** An open event stream: the HTTP status, and its messages until the server closes it. */
export interface EventStreamAnswer {
  readonly status: number;
  readonly contentType: string | null;
  /** The comment lines seen so far (`: keep-alive` → "keep-alive"). */
  readonly comments: string[];
  /** The messages, as they arrive; ends when the server closes the stream (or `signal` aborts). */
  readonly events: AsyncIterable<ServerSentEvent>;
  /** The body of a non-200 answer, as text. */
  text(): Promise<string>;
}

async function* linesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    const lines = buffered.split(/\r\n|\r|\n/);
    buffered = lines.pop()!;
    yield* lines;
  }
}

/**
 * Opens `url` as an `EventSource` would (GET, `Accept: text/event-stream`, `headers` added) on `fetch`,
 * and parses its body into messages: a small client, so tests see the wire format a browser sees.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<EventStreamAnswer> {
  const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal });
  const comments: string[] = [];
  async function* events(): AsyncGenerator<ServerSentEvent> {
    let event = "";
    let id: string | undefined;
    let data: string[] = [];
    for await (const line of linesOf(response.body!)) {
      if (line === "") {
        if (data.length > 0) yield { event: event || "message", id, data: data.join("\n") };
        event = "";
        id = undefined;
        data = [];
        continue;
      }
      const colon = line.indexOf(":");
      if (colon === 0) {
        comments.push(line.slice(1).trimStart());
        continue;
      }
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "id") id = value;
      else if (field === "data") data.push(value);
    }
  }
  return { status: response.status, contentType: response.headers.get("content-type"), comments, events: events(), text: () => response.text() };
}
