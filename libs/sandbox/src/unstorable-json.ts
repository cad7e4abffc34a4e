import { findUnstorableJson, MAX_JSON_DEPTH } from "@tasker/contracts";
import { ErrorCodes } from "./error-codes.js";
import { sandboxError } from "./sandbox-failure.js";
import { describePath } from "./storable-text.js";
import type { SandboxError } from "./types.js";

/**
 * Why a value `JSON.parse` made cannot be stored, as the error its producer gets, or undefined when
 * it can (any string can: values are stored as written): nesting deeper than `MAX_JSON_DEPTH` is `STACK_LIMIT`, and a member that is not JSON (which `JSON.parse` cannot
 * make, but the check is total) is `notJsonCode`. `what` names the value in the singular ("the task's
 * result"), `root` starts the path shown. Iterative: any depth is safe.
 */
export function unstorableJsonError(value: unknown, what: string, root: string, notJsonCode: string): SandboxError | undefined {
  const problem = findUnstorableJson(value);
  if (problem === undefined) return undefined;
  const where = describePath(root, problem.path);
  switch (problem.kind) {
    case "depth":
      return sandboxError(ErrorCodes.stackLimit, `${what} nests deeper than ${MAX_JSON_DEPTH} levels at ${where}`, "RangeError");
    case "type":
      return sandboxError(notJsonCode, `${what}, at ${where}, ${problem.message}`, "TypeError");
    default: {
      const unexpected: never = problem.kind;
      throw new Error(`unstorableJsonError: unknown kind ${String(unexpected)}`);
    }
  }
}
