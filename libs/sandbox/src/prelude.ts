import { PRELUDE_GLOBALS } from "./prelude-globals.js";
import { PRELUDE_TOOLS } from "./prelude-tools.js";

/**
 * The prelude: a script whose value is a function `(host, argsBytes, resultBytes) => control`,
 * evaluated once per VM before any task code; `control.configure(seed, taskName)` then binds the VM
 * to its run. It captures the intrinsics it needs before the task can replace them, and the host
 * functions it receives stay in its closure: the task reaches the host only through
 * `__callHostTool__`, `require` and `console`, all of which pass strings.
 *
 * `0 || function` rather than `(function ...)`: QuickJS scans a parenthesized expression ahead for an
 * arrow function, which for the whole prelude costs a sixth of its compile time.
 */
export const PRELUDE_SOURCE = compact(String.raw`0 || function (host, argsBytes, resultBytes) {
  "use strict";
  const g = globalThis;
  const hostCall = host.call, hostLog = host.log, hostResolve = host.resolve, hostLoad = host.load, hostFinish = host.finish;
  const stringify = JSON.stringify, parse = JSON.parse, isArray = Array.isArray;
  const freeze = Object.freeze, defineProperty = Object.defineProperty;
  const ErrorCtor = Error, TypeErrorCtor = TypeError, RangeErrorCtor = RangeError;
  const PromiseCtor = Promise, MapCtor = Map, SetCtor = Set;
  const config = { argsBytes, resultBytes, taskName: "" };
  let now = 0;
  function codedError(Ctor, code, message) {
    const error = new Ctor(message);
    error.code = code;
    return error;
  }
${PRELUDE_GLOBALS}
${PRELUDE_TOOLS}
}`);

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
