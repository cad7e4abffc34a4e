import { PRELUDE_FILE_NAME } from "./prelude-name.js";

/**
 * VM-side source of a part of the prelude compiled on first use (see `PRELUDE_PARTS`): a function of
 * the values the prelude captured that returns `{ callHostTool }`, what `__callHostTool__` and every
 * `tools.*` call do. `callHostTool(service, method, args)` checks and bounds the call, hands it to the
 * host and returns the promise its result settles (kept in `pending` by the call's number), which
 * remembers the frames of the task's code that made the call. Only a task that calls a tool needs it.
 * It uses no intrinsic the task may have replaced: the part reads only what it is handed.
 */
export const PRELUDE_CALLS = String.raw`0 || function (captured) {
  "use strict";
  const { settings, chars, pending, codedError, cut, toJson, hostCall, stringify, parse, isArray, apply, indexOfString, sliceString, PromiseCtor, ErrorCtor, TypeErrorCtor, RangeErrorCtor } = captured;
  // The frames of the task's code that make a call, the prelude's left out: the error the call may
  // reject with ends with them. The same code makes the same frames in a replay.
  function callSite() {
    let stack;
    try {
      stack = new ErrorCtor().stack;
    } catch (ignored) {
      return "";
    }
    if (typeof stack !== "string") return "";
    let site = "";
    for (let start = 0; start < stack.length; ) {
      const newline = apply(indexOfString, stack, ["\n", start]);
      const end = newline < 0 ? stack.length : newline + 1;
      const line = apply(sliceString, stack, [start, end]);
      if (apply(indexOfString, line, ["${PRELUDE_FILE_NAME}"]) < 0) site += line;
      start = end;
    }
    return cut(site, chars.errorStack);
  }

  // The host checks the service and the method path. Each string crosses one character over its
  // bound at most, and the path one part over: enough for the host to refuse them, never a huge copy.
  function callHostTool(service, method, args) {
    const site = callSite();
    return new PromiseCtor((resolve, reject) => {
      if (typeof service !== "string") throw codedError(TypeErrorCtor, "INVALID_ARGUMENT", "service must be a string");
      if (!isArray(method)) throw codedError(TypeErrorCtor, "INVALID_ARGUMENT", "method must be an array of strings");
      const parts = method.length > settings.methodParts ? settings.methodParts + 1 : method.length;
      const path = [];
      for (let i = 0; i < parts; i++) {
        const part = method[i];
        if (typeof part !== "string") throw codedError(TypeErrorCtor, "INVALID_ARGUMENT", "method must be an array of strings");
        path[i] = cut(part, chars.methodPart + 1);
      }
      if (!isArray(args)) throw codedError(TypeErrorCtor, "INVALID_ARGUMENT", "args must be an array");
      const json = toJson(args, "tool arguments", settings.argsBytes, "ARGS_TOO_LARGE", "INVALID_ARGUMENT");
      // An array whose toJSON returns undefined has no JSON at all.
      if (json === undefined) throw codedError(TypeErrorCtor, "INVALID_ARGUMENT", "args must be an array of JSON values");
      const seq = hostCall(stringify(cut(service, chars.serviceName + 1)), stringify(path), json);
      if (typeof seq !== "number") {
        const refused = parse(seq);
        throw codedError(refused.name === "RangeError" ? RangeErrorCtor : TypeErrorCtor, refused.code, refused.message);
      }
      pending.set(seq, { resolve, reject, site });
    });
  }
  return { callHostTool };
}`;
