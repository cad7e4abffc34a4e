import {
  MAX_ERROR_CAUSE_DEPTH,
  MAX_ERROR_CODE_CHARS,
  MAX_ERROR_DETAILS_BYTES,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_ERROR_NAME_CHARS,
  MAX_ERROR_STACK_CHARS,
  MAX_LOG_LINE_CHARS,
  MAX_METHOD_PART_CHARS,
  MAX_METHOD_PARTS,
  MAX_SERVICE_NAME_CHARS,
} from "@tasker/contracts";
import type { SandboxLimits } from "./limits.js";
import { PRELUDE_CALLS } from "./prelude-calls.js";
import { PRELUDE_DATABASE } from "./prelude-database.js";
import { PRELUDE_ERRORS } from "./prelude-errors.js";
import { PRELUDE_GLOBALS } from "./prelude-globals.js";
import { PRELUDE_TOOLS } from "./prelude-tools.js";

/**
 * The prelude: a script whose value is a function `(host, settingsJson) => control`, evaluated once
 * per VM before any task code; `control.configure(seed, taskName)` then binds the VM to its run. It
 * captures the intrinsics it needs before the task can replace them, and the host functions it
 * receives stay in its closure: the task reaches the host only through `__callHostTool__`, `require`
 * and `console` (and, by using `tools.database` or failing, the prelude's own `host.part`). Every string it hands the host is JSON (a raw string would lose everything after a
 * `\u0000` on its way out of the VM) and bounded: a longer one is cut first, so that no huge string
 * is copied out of the VM only to be refused.
 *
 * `0 || function` rather than `(function ...)`: QuickJS scans a parenthesized expression ahead for an
 * arrow function, which for the whole prelude costs a sixth of its compile time.
 */
export const PRELUDE_SOURCE = compact(String.raw`0 || function (host, settingsJson) {
  "use strict";
  const g = globalThis;
  const hostCall = host.call, hostLog = host.log, hostResolve = host.resolve, hostLoad = host.load, hostFinish = host.finish, hostPart = host.part;
  const stringify = JSON.stringify, parse = JSON.parse, isArray = Array.isArray;
  const freeze = Object.freeze, defineProperty = Object.defineProperty, keysOf = Object.keys;
  const isInteger = Number.isInteger, isFiniteNumber = Number.isFinite;
  const apply = Reflect.apply, sliceString = String.prototype.slice, charCodeAt = String.prototype.charCodeAt;
  const ErrorCtor = Error, TypeErrorCtor = TypeError, RangeErrorCtor = RangeError, InternalErrorCtor = InternalError;
  const PromiseCtor = Promise, MapCtor = Map, SetCtor = Set, ProxyCtor = Proxy, promiseThen = Promise.prototype.then;
  const settings = parse(settingsJson), chars = settings.chars;
  const config = { taskName: "" };
  let now = 0;
  function codedError(Ctor, code, message) {
    const error = new Ctor(message);
    error.code = code;
    return error;
  }
  // At most max characters of text, never ending between the two halves of a surrogate pair.
  function cut(text, max) {
    if (text.length <= max) return text;
    const last = apply(charCodeAt, text, [max - 1]);
    return apply(sliceString, text, [0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max]);
  }
${PRELUDE_GLOBALS}
${PRELUDE_TOOLS}
}`);

/** The name of a part of the prelude compiled in a VM on first use; see `PRELUDE_PARTS`. */
export type PreludePart = "calls" | "database" | "errors";

/**
 * The parts of the prelude many runs never use (the checks of a tool call, the database query
 * builder, the reading of a thrown error), compiled in a VM only when its task first needs one, through the prelude's `host.part(name)`:
 * compiling the whole prelude is most of the cost of a VM. Each is a script whose value is a function
 * `(captured) => exports` that names no global: the prelude hands it the intrinsics it captured
 * before any task code ran, so a part compiled after the task replaced some still uses the originals.
 */
export const PRELUDE_PARTS: Readonly<Record<PreludePart, string>> = { calls: compact(PRELUDE_CALLS), database: compact(PRELUDE_DATABASE), errors: compact(PRELUDE_ERRORS) };

/** Characters of each kind of string the prelude sends the host at most; see `preludeSettings`. */
export type PreludeChars = Record<"errorName" | "errorMessage" | "errorStack" | "errorCode" | "errorDetails" | "logLine" | "serviceName" | "methodPart", number>;

/**
 * The prelude's `settingsJson`: the size limits it checks itself (in UTF-16 code units, a cheap lower
 * bound of the UTF-8 bytes the host counts again) and the bounds of `@tasker/contracts` it cuts
 * strings (and an error's details and causes) to before they cross the bridge. The host remains the judge of every bound.
 */
export function preludeSettings(limits: SandboxLimits): string {
  const chars: PreludeChars = {
    errorName: MAX_ERROR_NAME_CHARS,
    errorMessage: MAX_ERROR_MESSAGE_CHARS,
    errorStack: MAX_ERROR_STACK_CHARS,
    errorCode: MAX_ERROR_CODE_CHARS,
    errorDetails: MAX_ERROR_DETAILS_BYTES,
    logLine: MAX_LOG_LINE_CHARS,
    serviceName: MAX_SERVICE_NAME_CHARS,
    methodPart: MAX_METHOD_PART_CHARS,
  };
  return JSON.stringify({ argsBytes: limits.argsBytes, resultBytes: limits.resultBytes, methodParts: MAX_METHOD_PARTS, causeDepth: MAX_ERROR_CAUSE_DEPTH, chars });
}

/**
 * Drops indentation, blank lines and comment lines: every VM compiles the prelude, and QuickJS's
 * compiler pays for every character. The prelude has only whole-line comments.
 */
function compact(source: string): string {
  return source
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("//"))
    .join("\n");
}
