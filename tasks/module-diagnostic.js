/**
 * @task module-diagnostic
 * @description Reports what the sandbox offers a task: which globals exist and work, the deterministic clock and random source, and the available tools.
 * @param {object} input - Input parameters
 * @param {boolean} [input.checkGlobalScope] - Also list every own property of globalThis
 * @returns {object} `{globals, clock, random, tools, contextToolsIsTools, globalScope?}`
 */
module.exports = async function moduleDiagnostic(input, context) {
  const names = [
    "console", "require", "module", "exports", "tools", "__callHostTool__", "process", "fetch",
    "XMLHttpRequest", "WebSocket", "Deno", "Buffer", "setTimeout", "setInterval", "setImmediate",
    "queueMicrotask", "WeakRef", "FinalizationRegistry", "Promise", "JSON", "Math", "Date",
  ];
  const globals = {};
  for (const name of names) {
    globals[name] = typeof globalThis[name] === "undefined" ? "absent" : typeof globalThis[name];
  }

  // Timers exist but throw: a timer cannot survive a suspension. Report what calling one says.
  let setTimeoutCall;
  try {
    setTimeout(() => {}, 0);
    setTimeoutCall = "works";
  } catch (error) {
    setTimeoutCall = `${error.code || error.name}: ${error.message}`;
  }

  const now = Date.now();
  const report = {
    globals,
    setTimeoutCall,
    clock: { now, iso: new Date(now).toISOString(), stableWithinActivation: Date.now() === now },
    random: [Math.random(), Math.random()],
    tools: Object.keys(context.tools).sort(),
    taskTools: Object.keys(context.tools.tasks).sort(),
    contextToolsIsTools: context.tools === context,
  };
  if (input && input.checkGlobalScope) {
    report.globalScope = Object.getOwnPropertyNames(globalThis).sort();
  }
  context.tools.log("info", `module-diagnostic: ${report.tools.length} tools, process is ${globals.process}`);
  return report;
};
