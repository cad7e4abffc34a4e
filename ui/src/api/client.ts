import { authHeaders } from "./session-key";

/** An answer of the gateway other than 2xx: its status and the `{error: {code, message}}` it sent. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fires `unauthorized` whenever the gateway answers 401: the page then asks for a key. */
export const authEvents = new EventTarget();

/** Turns a non-2xx answer into an `ApiError` (and announces a 401). */
export async function failureOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (response.status === 401) authEvents.dispatchEvent(new Event("unauthorized"));
  return new ApiError(response.status, body?.error?.code ?? `HTTP_${response.status}`, body?.error?.message ?? response.statusText);
}

/**
 * A request to the gateway (same origin), with the signed-in key, `body` as JSON.
 * @returns the answer's JSON (`undefined` for an empty body).
 * @throws ApiError for any non-2xx answer.
 */
export async function api<T>(path: string, options: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...authHeaders() };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  if (!response.ok) throw await failureOf(response);
  const text = await response.text();
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

/** `/tasks/<id>`-style path segment. */
export const segment = (value: string): string => encodeURIComponent(value);
