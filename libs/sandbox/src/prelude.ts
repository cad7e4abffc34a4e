import { PRELUDE_GLOBALS } from "./prelude-globals.js";
import { PRELUDE_TOOLS } from "./prelude-tools.js";

/** Per-VM settings the prelude reads once. */
export type PreludeConfig = { seed: number; taskName: string; argsBytes: number; resultBytes: number };

/**
 * The prelude: a function expression `(host, config) => control`, evaluated once per VM before any
 * task code. It captures the intrinsics it needs before the task can replace them, and the host
 * functions it receives stay in its closure: the task reaches the host only through
 * `__callHostTool__`, `require` and `console`, all of which pass strings.
 */
export const PRELUDE_SOURCE = String.raw`(function (host, config) {
  "use strict";
  const g = globalThis;
  const hostCall = host.call, hostLog = host.log, hostResolve = host.resolve, hostLoad = host.load, hostFinish = host.finish;
  const stringify = JSON.stringify, parse = JSON.parse, isArray = Array.isArray;
  const freeze = Object.freeze, defineProperty = Object.defineProperty;
  const ErrorCtor = Error, TypeErrorCtor = TypeError, RangeErrorCtor = RangeError;
  const PromiseCtor = Promise, MapCtor = Map, SetCtor = Set;
  let now = 0;
  function codedError(Ctor, code, message) {
    const error = new Ctor(message);
    error.code = code;
    return error;
  }
${PRELUDE_GLOBALS}
${PRELUDE_TOOLS}
})`;
