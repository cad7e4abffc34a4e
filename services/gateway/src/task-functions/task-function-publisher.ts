import { createHash } from "node:crypto";
import { Inject, Injectable } from "@nestjs/common";
import { namespaceField, type PublishTaskFunctionRequest, type PublishTaskFunctionResponse, taskFunctionStreamId } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { useEntryProblem } from "@tasker/run-model";
import { ApiError } from "../http/api-error.js";
import { PLATFORM } from "../platform.token.js";
import type { CompileCheck } from "./compile-check.js";
import { CompileBusyError, CompileWorkers } from "./compile-workers.js";
import { readTaskDoc } from "./jsdoc.js";
import { TaskFunctionCatalog } from "./task-function-catalog.js";

/** Publishes task functions: every publish is a new version, named by the SHA-256 of its code. */
@Injectable()
export class TaskFunctionPublisher {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly catalog: TaskFunctionCatalog,
    private readonly compiler: CompileWorkers,
  ) {}

  /**
   * Appends `task.published` (code, version, description, params and uses from the JSDoc; the request's
   * description wins) to the stream of the function of that name in `namespace`. Code that acorn does not parse or QuickJS does not
   * compile is a 400 `SYNTAX_ERROR` naming the line; a malformed `@uses` entry (an unknown service, a
   * bad name) a 400 `VALIDATION_FAILED` with field `uses` naming the entry; a check that takes longer than
   * `TASKER_COMPILE_MS` is a 400 `COMPILE_TIME_LIMIT`; too many checks waiting, a 503 `COMPILE_BUSY`.
   */
  async publish(namespace: string, request: PublishTaskFunctionRequest): Promise<PublishTaskFunctionResponse> {
    const syntax = await this.check(request.code, request.name);
    if ("timeLimitMs" in syntax) {
      const message = `checking the code took longer than ${syntax.timeLimitMs} ms (TASKER_COMPILE_MS): a task this slow to compile would hold the executor too; make it smaller`;
      throw new ApiError(400, "COMPILE_TIME_LIMIT", message, "code");
    }
    if ("error" in syntax) {
      throw new ApiError(400, "SYNTAX_ERROR", `line ${syntax.error.line}: ${syntax.error.message}`, "code");
    }
    const doc = readTaskDoc(syntax.blockComments);
    for (const entry of doc.uses) {
      const problem = useEntryProblem(entry);
      if (problem) throw new ApiError(400, "VALIDATION_FAILED", `uses: ${problem}`, "uses");
    }
    const version = createHash("sha256").update(request.code).digest("hex");
    await this.platform.store.append(taskFunctionStreamId(request.name, namespace), "any", [
      {
        type: "task.published",
        data: { ...namespaceField(namespace), name: request.name, version, code: request.code, description: request.description ?? doc.description, params: [...doc.params], uses: [...doc.uses] },
      },
    ]);
    this.catalog.learn(namespace, request.name, version); // a submit right after this answer runs the new version
    return { name: request.name, version };
  }

  private async check(code: string, name: string): Promise<CompileCheck> {
    try {
      return await this.compiler.check(code, name);
    } catch (error) {
      if (!(error instanceof CompileBusyError)) throw error;
      throw new ApiError(503, "COMPILE_BUSY", `the gateway is checking too much code at once (${error.waiting} checks waiting): publish again shortly`);
    }
  }
}
