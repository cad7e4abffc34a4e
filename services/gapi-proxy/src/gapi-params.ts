import type { JsonValue } from "@tasker/contracts";
import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";

/** A method's parameters as the task passed them: Google's own names (`customer`, `userId`, `maxResults`, `q`, ...). */
export type GapiParams = Readonly<Record<string, JsonValue>>;

// googleapis reads these from the parameters as request options (credentials, headers, uploads), not as API parameters.
const RESERVED = ["auth", "headers", "media", "requestBody", "resource"];

/**
 * The one optional argument of a Google method: an object of parameters (absent or null: none).
 * Throws `INVALID_ARGUMENT` naming `path` for anything else, or for a key googleapis would take as a
 * request option.
 */
export function paramsOf(args: readonly JsonValue[], path: string): GapiParams {
  const [first, ...rest] = args;
  if (rest.length > 0 || (first !== undefined && first !== null && (typeof first !== "object" || Array.isArray(first)))) {
    throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `gapi ${path} takes one argument, an object of the method's parameters (as Google's API reference names them)`);
  }
  const params = (first ?? {}) as GapiParams;
  const reserved = RESERVED.find((key) => Object.hasOwn(params, key));
  if (reserved) throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `gapi ${path}: "${reserved}" is not a parameter a task may pass`);
  return params;
}

/** The JSON body of a Google answer; `UPSTREAM_FORMAT` when it is not a JSON object (gaxios hands back unparseable text as a string). */
export function resultOf(response: { data: unknown }, path: string): JsonValue {
  const { data } = response;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, `Google answered gapi ${path} with a body that is not a JSON object`);
  }
  return data as JsonValue;
}
