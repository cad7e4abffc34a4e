/** What a Google error body says, in words safe to show a task. */
export interface GoogleErrorFacts {
  /** Google's message (`error.message`), or the OAuth `error: error_description`; at most 500 characters. */
  readonly message?: string;
  /** The first `errors[].reason` (`notFound`, `rateLimitExceeded`), or the OAuth `error` (`invalid_grant`). */
  readonly reason?: string;
  /** Google's status name (`PERMISSION_DENIED`), when given. */
  readonly status?: string;
}

const MAX_MESSAGE = 500;

/**
 * Reads Google's two error formats: the APIs' `{error: {code, message, status, errors: [{reason}]}}`
 * and the token endpoint's OAuth `{error, error_description}`. Anything else gives no facts.
 */
export function googleErrorOf(data: unknown): GoogleErrorFacts {
  const body = parsed(data);
  if (typeof body !== "object" || body === null) return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error === "string") {
    const description = (body as { error_description?: unknown }).error_description;
    return { reason: error, message: cut(typeof description === "string" ? `${error}: ${description}` : error) };
  }
  if (typeof error !== "object" || error === null) return {};
  const { message, status, errors } = error as { message?: unknown; status?: unknown; errors?: unknown };
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  const reason = typeof first === "object" && first !== null ? (first as { reason?: unknown }).reason : undefined;
  return {
    ...(typeof message === "string" && { message: cut(message) }),
    ...(typeof reason === "string" && { reason }),
    ...(typeof status === "string" && { status }),
  };
}

// gaxios hands back the raw text when a JSON body does not parse.
function parsed(data: unknown): unknown {
  if (typeof data !== "string") return data;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function cut(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}
