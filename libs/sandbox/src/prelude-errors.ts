/**
 * VM-side source of a part of the prelude compiled on first use (see `PRELUDE_PARTS`): a function of
 * the values the prelude captured that returns `{ errorRecord, rebuilt }`. `errorRecord(thrown)` is
 * the record of what a task threw, read without trusting it: each property once, strings cut to
 * their bounds, details as `[key, JSON]` pairs; `rebuilt(info, site)` is the Error a failed call
 * rejects with. Only a failing task or a failed call needs them. Neither uses an intrinsic the task
 * may have replaced: the part reads only what it is handed.
 */
export const PRELUDE_ERRORS = String.raw`0 || function (captured) {
  "use strict";
  const { settings, chars, cut, format, stringify, isArray, keysOf, isFiniteNumber, defineProperty, ErrorCtor } = captured;
  // A throwing getter or Proxy trap reads as undefined.
  function readOnce(value, key) {
    try {
      return value[key];
    } catch (ignored) {
      return undefined;
    }
  }
  function lengthOf(value) { return typeof value === "string" ? value.length : 0; }
  function ownKeys(value) {
    try {
      return keysOf(value);
    } catch (ignored) {
      return [];
    }
  }
  function isError(value) {
    try {
      return value instanceof ErrorCtor;
    } catch (ignored) {
      return false;
    }
  }
  // Lists of the prelude's own, handled without Array.prototype, which the task may have replaced.
  function contains(list, item) {
    for (let i = 0; i < list.length; i++) if (list[i] === item) return true;
    return false;
  }
  function append(list, item) { list[list.length] = item; }
  function isPlainObject(value) { return value !== null && typeof value === "object" && !isArray(value); }
  // Each property is read exactly once, into a local, and judged there: a getter may answer a string
  // first and something else the next time. Strings are cut to their bounds; the host reads their
  // true lengths in "lengths" and decides what is too long. A thrown non-object is its printed form.
  // An Error also brings its cause, its own properties and an AggregateError's errors (see errorParts).
  function errorRecord(error) { return recordOf(error, 0, []); }
  function recordOf(error, depth, chain) {
    const isObject = error !== null && typeof error === "object";
    const name = isObject ? readOnce(error, "name") : undefined;
    const message = isObject ? readOnce(error, "message") : undefined;
    const stack = isObject ? readOnce(error, "stack") : undefined;
    const code = isObject ? readOnce(error, "code") : undefined;
    const text = typeof message === "string" ? message : format(error);
    const record = {
      name: typeof name === "string" ? cut(name, chars.errorName) : undefined,
      message: cut(text, chars.errorMessage),
      stack: typeof stack === "string" ? cut(stack, chars.errorStack) : undefined,
      code: typeof code === "string" ? cut(code, chars.errorCode) : isFiniteNumber(code) ? code : undefined,
      lengths: { message: text.length, stack: lengthOf(stack), code: lengthOf(code) },
    };
    if (isObject && isError(error)) {
      append(chain, error);
      errorParts(record, error, name, depth, chain);
      chain.length = depth;
    }
    return record;
  }
  const notDetails = ["name", "message", "stack", "code", "cause"];
  // The cause (to settings.causeDepth levels; a deeper one, or one already in the chain, is only
  // noted in causeDropped), an AggregateError's errors, and the error's own enumerable properties as
  // [key, JSON] pairs, then those of an own plain-object "details" property that its own properties
  // do not name. A function, symbol or undefined is skipped; a value that is not JSON (a cycle, a
  // BigInt, a throwing getter or toJSON) or would take the JSON over its bound is counted as dropped.
  function errorParts(record, error, name, depth, chain) {
    const cause = readOnce(error, "cause");
    if (cause !== undefined) {
      if (depth >= settings.causeDepth) record.causeDropped = "depth";
      else if (contains(chain, cause)) record.causeDropped = "cycle";
      else record.cause = recordOf(cause, depth + 1, chain);
    }
    const budget = { left: chars.errorDetails, dropped: 0, errorsDropped: 0 };
    const seen = [];
    const errors = name === "AggregateError" ? readOnce(error, "errors") : undefined;
    if (isArray(errors)) {
      append(seen, "errors");
      record.errors = aggregated(errors, depth, chain, budget);
    }
    const pairs = [];
    const nested = ownDetails(error, pairs, budget, seen, notDetails, true);
    if (nested !== undefined) ownDetails(nested, pairs, budget, seen, seen, false);
    record.details = pairs;
    record.detailsDropped = budget.dropped;
    record.errorsDropped = budget.errorsDropped;
  }
  // The errors in order while they fit, and none past the depth; an error of the chain (a cycle) is
  // dropped. The first that does not fit ends them, so that no level builds more than one record
  // too large to keep.
  function aggregated(errors, depth, chain, budget) {
    const count = readOnce(errors, "length");
    const length = typeof count === "number" && count > 0 ? count : 0;
    const records = [];
    let i = 0;
    for (; i < length && depth < settings.causeDepth; i++) {
      const error = readOnce(errors, i);
      if (contains(chain, error)) {
        budget.errorsDropped++;
        continue;
      }
      const element = recordOf(error, depth + 1, chain);
      const size = stringify(element).length + 1;
      if (size > budget.left) break;
      budget.left -= size;
      append(records, element);
    }
    budget.errorsDropped += length - i;
    return records;
  }
  // Returns the plain object of an own "details" property, when asked to look for one.
  function ownDetails(value, pairs, budget, seen, skipped, lookForDetails) {
    const keys = ownKeys(value);
    let nested;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (contains(skipped, key)) continue;
      const member = readOnce(value, key);
      if (lookForDetails && key === "details" && isPlainObject(member)) {
        nested = member;
        continue;
      }
      append(seen, key);
      const json = jsonOf(member, budget.left);
      if (json === undefined) continue;
      const size = json === null ? 0 : stringify(key).length + json.length + 2;
      if (json === null || size > budget.left) {
        budget.dropped++;
        continue;
      }
      budget.left -= size;
      append(pairs, [key, json]);
    }
    return nested;
  }
  // undefined: skipped; null: not JSON, or a string too long to fit.
  function jsonOf(value, room) {
    const type = typeof value;
    if (value === undefined || type === "function" || type === "symbol") return undefined;
    if (type === "string" && value.length > room) return null;
    try {
      const json = stringify(value);
      return json === undefined ? undefined : json;
    } catch (ignored) {
      return null;
    }
  }
  // The error a failed call rejects with, an Error like the callee's (its cause rebuilt the same way):
  // its stack is the callee's followed by the frames of the call site.
  function rebuilt(info, site) {
    const cause = info.cause === undefined ? undefined : rebuilt(info.cause, "");
    const error = cause === undefined ? new ErrorCtor(info.message) : new ErrorCtor(info.message, { cause });
    error.name = typeof info.name === "string" ? info.name : "Error";
    error.code = info.code;
    const stack = typeof info.stack === "string" ? info.stack : "";
    error.stack = stack === "" || stack[stack.length - 1] === "\n" ? stack + site : stack + "\n" + site;
    if (info.details !== undefined) {
      error.details = info.details;
      // The callee's own properties are the caller's error's own properties too (a service's status).
      const keys = keysOf(info.details);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const reserved = key === "name" || key === "message" || key === "stack" || key === "code" || key === "cause" || key === "details" || key === "…";
        if (!reserved) defineProperty(error, key, { value: info.details[key], writable: true, enumerable: true, configurable: true });
      }
    }
    return error;
  }
  return { errorRecord, rebuilt };
}`;
