/**
 * VM-side source, second half of the prelude: `__callHostTool__` (whose checks are the part "calls",
 * `prelude-calls.ts`), the `tools` object built on it, helper modules (`require`, `tasks.require`) and
 * the entry points the host drives.
 */
export const PRELUDE_TOOLS = String.raw`
  const pending = new MapCtor();

  function describeKey(key) { return key === "" ? "the value" : "member " + stringify(key); }
  // JSON.stringify alone would silently drop functions and symbols and turn a Map into {}.
  function toJson(value, what, limit, tooLargeCode, invalidCode) {
    let json;
    try {
      json = stringify(value, function (key, member) {
        const type = typeof member;
        if (type === "function" || type === "symbol" || type === "bigint") throw new TypeErrorCtor(describeKey(key) + " is a " + type);
        if (member instanceof MapCtor || member instanceof SetCtor) throw new TypeErrorCtor(describeKey(key) + " is a Map or Set");
        return member;
      });
    } catch (error) {
      if (isStackOverflow(error)) throw codedError(RangeErrorCtor, "STACK_LIMIT", what + " cannot be converted to JSON: nested too deeply");
      throw codedError(TypeErrorCtor, invalidCode, what + " must be JSON values: " + format(error && error.message));
    }
    if (json !== undefined && json.length > limit) throw codedError(RangeErrorCtor, tooLargeCode, "the JSON of " + what + " exceeds " + limit + " bytes");
    return json;
  }
  function isStackOverflow(error) {
    try {
      return error instanceof InternalErrorCtor && error.message === "stack overflow";
    } catch (ignored) {
      return false;
    }
  }

  // Checking and handing a call to the host is compiled on the first call (the part "calls"): a task
  // that calls no tool never pays for it. The frames of the call's part are the prelude's, left out
  // of the call site like these.
  const indexOfString = String.prototype.indexOf;
  let calls;
  function callHostTool(service, method, args) {
    if (calls === undefined) calls = hostPart("calls")(captured);
    return calls.callHostTool(service, method, args);
  }
  defineProperty(g, "__callHostTool__", { value: callHostTool, writable: false, configurable: false });

  // What awaiting, printing or JSON.stringify look up on any value is no method of a service: such a
  // lookup must never become a call. A service path prints as "[tools.gapi.users.list]".
  function isNotMethod(key) {
    return typeof key !== "string" || key === "then" || key === "toJSON" || key === "valueOf" || key === "toString";
  }
  function servicePath(service, method) {
    let name = "[tools." + service;
    for (let i = 0; i < method.length; i++) name += "." + method[i];
    name += "]";
    const toString = () => name;
    return new ProxyCtor(function () {}, {
      get: (target, key) => (key === "toString" ? toString : isNotMethod(key) ? undefined : servicePath(service, method.concat([key]))),
      apply: (target, self, args) => callHostTool(service, method, args),
    });
  }

  const modules = new MapCtor();
  function requireFrom(fromName, specifier) {
    if (typeof specifier !== "string") throw codedError(TypeErrorCtor, "INVALID_ARGUMENT", "a module specifier must be a string");
    const name = hostResolve(specifier, fromName);
    if (name === undefined) throw codedError(ErrorCtor, "MODULE_NOT_FOUND", "Cannot find module '" + specifier + "' from '" + fromName + "'");
    return loadResolved(name);
  }
  function loadResolved(name) {
    const cached = modules.get(name);
    if (cached !== undefined) return cached.exports;
    const loaded = hostLoad(name);
    if (loaded.error !== undefined) throw codedError(ErrorCtor, loaded.code, loaded.error);
    if (loaded.kind === "esm") {
      modules.set(name, { exports: loaded.value });
      return loaded.value;
    }
    const module = { exports: {} };
    modules.set(name, module);
    loaded.value.call(module.exports, module.exports, (specifier) => requireFrom(name, specifier), module);
    return module.exports;
  }
  defineProperty(g, "__loadResolvedModule__", { value: loadResolved });
  g.require = (specifier) => requireFrom(config.taskName, specifier);

  const known = {
    tasks: freeze({
      // Options only when given: a call without them keeps the arguments (and the replay hash) it always had.
      execute: (name, input, options) => callHostTool("tasks", ["execute"], options === undefined ? [name, input] : [name, input, options]),
      require: (specifier) => new PromiseCtor((resolve) => resolve(requireFrom(config.taskName, specifier))),
    }),
    gapi: servicePath("gapi", []),
    openai: servicePath("openai", []),
    websearch: servicePath("websearch", []),
    keystore: servicePath("keystore", []),
    // One service, "database", under both names: the seed's tasks say supabase.
    get database() { return databasePart().databaseTools; },
    get supabase() { return databasePart().databaseTools; },
    log: (...args) => (args.length >= 2 && levels.includes(args[0]) ? emit(args[0], args.slice(1)) : emit("info", args)),
    sleep: (ms) => callHostTool("sleep", ["sleep"], [ms]),
    signals: freeze({
      wait: (name, options) => callHostTool("signals", ["wait"], options === undefined ? [name] : [name, options]),
    }),
  };
  // Any other tools.<name> is a service too, so that its calls are recorded and the run's rules
  // refuse them with UNKNOWN_SERVICE, catchably, rather than a TypeError at the call site.
  const tools = new ProxyCtor(known, {
    get: (target, key) => (key in target || isNotMethod(key) ? target[key] : servicePath(key, [])),
  });
  // The second argument of a task is both its tools and its context: context.tools === tools.
  known.tools = tools;
  freeze(known);
  g.tools = tools;

  // The parts most runs never use are compiled in this VM on first use, from the host's source:
  // each is a function handed only the values captured here, before any task code ran.
  const captured = freeze({
    settings, chars, codedError, cut, format, callHostTool, stringify, isArray, keysOf, isFiniteNumber, isInteger, freeze, defineProperty, apply, promiseThen, ErrorCtor, TypeErrorCtor,
    pending, toJson, hostCall, parse, indexOfString, sliceString, PromiseCtor, RangeErrorCtor,
  });
  let database, errors;
  function databasePart() { return database === undefined ? (database = hostPart("database")(captured)) : database; }
  function errorsPart() { return errors === undefined ? (errors = hostPart("errors")(captured)) : errors; }

  function failed(error) { hostFinish(false, stringify(errorsPart().errorRecord(error))); }
  function completed(value) {
    let json;
    try {
      json = toJson(value, "the task's result", settings.resultBytes, "RESULT_TOO_LARGE", "RESULT_NOT_SERIALIZABLE");
    } catch (error) {
      return failed(error);
    }
    hostFinish(true, json);
  }
  function taskFunction(exported) {
    if (typeof exported === "function") return exported;
    if (exported !== null && typeof exported === "object") {
      if (typeof exported.runTask === "function") return exported.runTask;
      if (typeof exported.default === "function") return exported.default;
    }
    throw codedError(TypeErrorCtor, "INVALID_TASK", "a task must export a function: module.exports = async function (input, context), export async function runTask(input, tools) or export default async function (input, context)");
  }

  return {
    // A VM is prepared ahead of its run; configure binds it to the run before any task code runs.
    configure(seed, taskName) {
      randomState = seed | 0;
      config.taskName = taskName;
    },
    setNow(at) {
      now = at;
      logState.open = true;
      logState.dropped = 0;
    },
    // Read by the host (a property, so that reading it runs no task code): the lines dropped in the VM.
    logState,
    run(inputJson) {
      let result;
      try {
        result = taskFunction(loadResolved(config.taskName))(inputJson === undefined ? undefined : parse(inputJson), tools);
      } catch (error) {
        return failed(error);
      }
      PromiseCtor.resolve(result).then(completed, failed);
    },
    deliver(batchJson) {
      const batch = parse(batchJson);
      for (let i = 0; i < batch.length; i++) {
        const result = batch[i];
        const settle = pending.get(result.seq);
        pending.delete(result.seq);
        if (result.ok) {
          settle.resolve(result.value);
        } else {
          settle.reject(errorsPart().rebuilt(result.error, settle.site));
        }
      }
    },
  };
`;
