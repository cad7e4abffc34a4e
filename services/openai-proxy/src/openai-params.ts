import type { JsonValue } from "@tasker/contracts";
import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";

/** A method's request body as the task passed it: OpenAI's own field names (`model`, `messages`, `input`, ...). */
export type OpenAiParams = Readonly<Record<string, JsonValue>>;

/** The code of a call asking for a stream: a call's result is one JSON value, never a stream. */
export const STREAMING_UNSUPPORTED = "STREAMING_UNSUPPORTED";

/**
 * The one argument of a create method: an object, OpenAI's request body. Throws `INVALID_ARGUMENT`
 * naming `path` for anything else, and `STREAMING_UNSUPPORTED` (terminal) for `stream: true`.
 */
export function bodyOf(args: readonly JsonValue[], path: string): OpenAiParams {
  const [first, ...rest] = args;
  if (rest.length > 0 || typeof first !== "object" || first === null || Array.isArray(first)) {
    throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `openai ${path} takes one argument, an object of the request's fields as OpenAI's API reference names them (model, ...)`);
  }
  if (first["stream"] === true) {
    throw new ServiceCallError(STREAMING_UNSUPPORTED, `openai ${path}: stream: true is not supported: a call's result is one JSON value; leave stream out to receive the whole answer`);
  }
  return first;
}

/** No argument (or an empty object or null) for a method that takes none; `INVALID_ARGUMENT` naming `path` otherwise. */
export function noArguments(args: readonly JsonValue[], path: string): void {
  const [first, ...rest] = args;
  const empty = first === undefined || first === null || (typeof first === "object" && !Array.isArray(first) && Object.keys(first).length === 0);
  if (rest.length > 0 || !empty) throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `openai ${path} takes no argument`);
}

/** What the SDK returned as plain JSON: its fields only, no class, no prototype (`UPSTREAM_FORMAT` when it is not an object). */
export function plainResult(value: unknown, path: string): JsonValue {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, `OpenAI answered openai ${path} with a body that is not a JSON object`);
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
