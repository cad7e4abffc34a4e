import { MAX_METHOD_PART_CHARS, MAX_METHOD_PARTS, MAX_SERVICE_NAME_CHARS, ServiceName, stringProblem } from "@tasker/contracts";
import { ErrorCodes } from "./error-codes.js";
import { sandboxError } from "./sandbox-failure.js";
import type { SandboxError } from "./types.js";

/** Where a call goes: the service a consumer serves and the method path within it. */
export type CallAddress = { service: string; method: string[] };

/**
 * The address of a call as the prelude sent it (JSON), or the `INVALID_ARGUMENT` error (a `TypeError`)
 * its promise rejects with: the service must be a `ServiceName` of at most `MAX_SERVICE_NAME_CHARS`
 * characters; the method path at most `MAX_METHOD_PARTS` non-empty, storable strings of at most
 * `MAX_METHOD_PART_CHARS` characters each. The messages quote nothing unstorable.
 */
export function readCallAddress(serviceJson: string, methodJson: string): CallAddress | SandboxError {
  const service: unknown = JSON.parse(serviceJson);
  const method: unknown = JSON.parse(methodJson);
  const problem = serviceProblem(service) ?? methodProblem(method);
  if (problem !== undefined) return sandboxError(ErrorCodes.invalidArgument, problem, "TypeError");
  return { service: service as string, method: method as string[] };
}

function serviceProblem(service: unknown): string | undefined {
  if (typeof service !== "string") return "service must be a string";
  if (service.length > MAX_SERVICE_NAME_CHARS) return `a service name has at most ${MAX_SERVICE_NAME_CHARS} characters`;
  const parsed = ServiceName.safeParse(service);
  // JSON quoting escapes a \u0000 or an unpaired surrogate: the message stays storable.
  if (!parsed.success) return `the service name ${JSON.stringify(service)} is invalid: ${parsed.error.issues[0]?.message ?? "see ServiceName"}`;
  return undefined;
}

function methodProblem(method: unknown): string | undefined {
  if (!Array.isArray(method) || !method.every((part) => typeof part === "string")) return "method must be an array of strings";
  if (method.length > MAX_METHOD_PARTS) return `a method path has at most ${MAX_METHOD_PARTS} parts`;
  for (const [index, part] of method.entries()) {
    if (part === "") return `part ${index} of the method path is empty`;
    if (part.length > MAX_METHOD_PART_CHARS) return `part ${index} of the method path is longer than ${MAX_METHOD_PART_CHARS} characters`;
    const unstorable = stringProblem(part);
    if (unstorable !== undefined) return `part ${index} of the method path ${unstorable}`;
  }
  return undefined;
}
