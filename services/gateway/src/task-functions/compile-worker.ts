import { parentPort, workerData } from "node:worker_threads";
import { createTaskCompiler } from "@tasker/sandbox";
import { checkSyntax } from "./check-syntax.js";
import type { CompileCheck, CompileLimits, CompileRequest, CompileWorkerMessage } from "./compile-check.js";

// A worker thread of `CompileWorkers`: checks one code at a time. The thread is terminated when a
// check overruns its deadline, so nothing here needs to be interruptible.
const port = parentPort!;
const compiler = await createTaskCompiler(workerData as CompileLimits);

function check({ code, name }: CompileRequest): CompileCheck {
  const syntax = checkSyntax(code);
  if ("error" in syntax) return { error: { line: syntax.error.line, message: syntax.error.message } };
  const problem = compiler.compile(code, name);
  return problem === undefined ? syntax : { error: problem };
}

port.on("message", (request: CompileRequest) => {
  port.postMessage({ id: request.id, check: check(request) } satisfies CompileWorkerMessage);
  // QuickJS's module is in an unknown state: this thread ends, and the pool starts another.
  if (compiler.spent) port.close();
});
port.postMessage({ ready: true } satisfies CompileWorkerMessage);
