import { Buffer } from "node:buffer";
import { ErrorCodes } from "./error-codes.js";
import { sandboxError } from "./sandbox-failure.js";
import type { Ending } from "./types.js";
import { unstorableJsonError } from "./unstorable-json.js";
import { toSandboxError, type VmErrorRecord } from "./vm-error.js";

/**
 * How a task that settled ended, from what the prelude reported: its error record JSON (bounded
 * by `toSandboxError`), or its result JSON (`undefined` for `undefined`), which must fit `resultBytes`
 * (`RESULT_TOO_LARGE`) and nest at most `MAX_JSON_DEPTH` levels (`STACK_LIMIT`).
 */
export function settledOutcome(ok: boolean, json: string | undefined, resultBytes: number): Ending {
  if (!ok) return { kind: "failed", error: toSandboxError(JSON.parse(json ?? "{}") as VmErrorRecord) };
  if (json === undefined) return { kind: "completed", result: undefined };
  if (Buffer.byteLength(json) > resultBytes) {
    const message = `the task's result exceeds ${resultBytes} bytes of JSON`;
    return { kind: "failed", error: sandboxError(ErrorCodes.resultTooLarge, message, "RangeError") };
  }
  const result: unknown = JSON.parse(json);
  const unstorable = unstorableJsonError(result, "the task's result", "result", ErrorCodes.resultNotSerializable);
  return unstorable === undefined ? { kind: "completed", result } : { kind: "failed", error: unstorable };
}
