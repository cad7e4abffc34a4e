/**
 * VM-side source, first half of the prelude: replaces every source of non-determinism and gives the
 * task a `console`. Runs inside the prelude function, where `g`, `now`, `config`, `chars`, `hostLog`,
 * `codedError`, `cut` and the captured intrinsics are in scope.
 */
export const PRELUDE_GLOBALS = String.raw`
  const RealDate = Date;
  // Date() and new Date() read the activation's recorded time, so that replay sees the same clock.
  function DeterministicDate(...args) {
    if (new.target === undefined) return new RealDate(now).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now] : args, new.target);
  }
  DeterministicDate.prototype = RealDate.prototype;
  DeterministicDate.now = function now_() { return now; };
  DeterministicDate.parse = RealDate.parse;
  DeterministicDate.UTC = RealDate.UTC;
  defineProperty(RealDate.prototype, "constructor", { value: DeterministicDate, writable: true, configurable: true });
  g.Date = DeterministicDate;

  // mulberry32, seeded from the stack run id (see configure): the same sequence in a run and in its replay.
  let randomState = 0;
  const imul = Math.imul;
  Math.random = function random() {
    randomState = (randomState + 0x6d2b79f5) | 0;
    let t = imul(randomState ^ (randomState >>> 15), 1 | randomState);
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  function unavailable(name, why) {
    const fn = function () { throw codedError(ErrorCtor, "NON_DETERMINISTIC_API", name + " is not available in tasks: " + why); };
    defineProperty(fn, "name", { value: name });
    return fn;
  }
  const timerWhy = "a task is suspended at every await and may resume in another process, so a timer cannot survive; use await tools.sleep(ms), which is durable";
  for (const name of ["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate"]) {
    g[name] = unavailable(name, timerWhy);
  }
  const gcWhy = "garbage collection happens at different moments in a run and in its replay, so code that observes it is not deterministic";
  g.WeakRef = unavailable("WeakRef", gcWhy);
  g.FinalizationRegistry = unavailable("FinalizationRegistry", gcWhy);

  function format(value) {
    try {
      if (typeof value === "string") return value;
      if (value instanceof ErrorCtor) return value.name + ": " + value.message;
      const json = stringify(value);
      return json === undefined ? String(value) : json;
    } catch (error) {
      return "[unprintable " + typeof value + "]";
    }
  }
  const levels = ["debug", "info", "warn", "error"];
  // Once the host refuses a line (a bound of the activation's or the run's log is reached), the rest
  // of the activation's lines are only counted, for the host to read: a dropped line costs neither
  // formatting nor a crossing. setNow opens the log again at each activation.
  const logState = { open: true, dropped: 0 };
  // A line longer than its bound is cut anyway: formatting stops once it is over, and only the
  // bound crosses the bridge, with a flag saying the line was cut.
  function emit(level, args) {
    if (!logState.open) {
      logState.dropped += 1;
      return;
    }
    let message = "";
    for (let i = 0; i < args.length && message.length <= chars.logLine; i++) message += (i === 0 ? "" : " ") + format(args[i]);
    if (hostLog(level, stringify(cut(message, chars.logLine)), message.length > chars.logLine) !== true) logState.open = false;
  }
  g.console = freeze({
    log: (...args) => emit("info", args),
    info: (...args) => emit("info", args),
    warn: (...args) => emit("warn", args),
    error: (...args) => emit("error", args),
    debug: (...args) => emit("debug", args),
  });
`;
