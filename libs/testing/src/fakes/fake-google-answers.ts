/** One answer of the fake: status, JSON body, extra headers. */
export interface FakeAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  408: "DEADLINE_EXCEEDED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

/** An error in Google's API format: `{error: {code, message, errors: [{message, domain, reason}], status}}`. */
export function googleError(code: number, message: string, reason: string, headers?: Record<string, string>): FakeAnswer {
  return {
    status: code,
    body: { error: { code, message, errors: [{ message, domain: "global", reason }], status: STATUS_NAMES[code] ?? "UNKNOWN" } },
    ...(headers && { headers }),
  };
}

export const ok = (body: unknown): FakeAnswer => ({ status: 200, body });

/** A page of `items` from an opaque `pageToken` (an offset), at most `maxResults`; `nextPageToken` when more remain. */
export function page<T>(items: readonly T[], query: URLSearchParams, defaultMax: number, limit: number): { items: T[]; nextPageToken?: string } | FakeAnswer {
  const max = query.has("maxResults") ? Number(query.get("maxResults")) : defaultMax;
  if (!Number.isInteger(max) || max < 1 || max > limit) {
    return googleError(400, `Invalid value '${query.get("maxResults")}'. Values must be within the range: [1, ${limit}]`, "invalidParameter");
  }
  const token = query.get("pageToken");
  const offset = token ? Number(Buffer.from(token, "base64url").toString("utf8").replace(/^offset:/, "")) : 0;
  if (!Number.isInteger(offset) || offset < 0) return googleError(400, "Invalid page token", "invalid");
  const end = offset + max;
  return { items: items.slice(offset, end), ...(end < items.length && { nextPageToken: Buffer.from(`offset:${end}`).toString("base64url") }) };
}

export function isAnswer(value: unknown): value is FakeAnswer {
  return typeof value === "object" && value !== null && "status" in value && "body" in value;
}
