import { createHash } from "node:crypto";
import { Inject, Injectable } from "@nestjs/common";
import { type PublishTaskFunctionRequest, type PublishTaskFunctionResponse, taskFunctionStreamId } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { ApiError } from "../http/api-error.js";
import { PLATFORM } from "../platform.token.js";
import { checkSyntax } from "./check-syntax.js";
import { readTaskDoc } from "./jsdoc.js";
import { TaskFunctionCatalog } from "./task-function-catalog.js";

/** Publishes task functions: every publish is a new version, named by the SHA-256 of its code. */
@Injectable()
export class TaskFunctionPublisher {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly catalog: TaskFunctionCatalog,
  ) {}

  /**
   * Appends `task.published` (code, version, description and params from the JSDoc; the request's
   * description wins) to the function's stream. Code that does not parse is a 400 naming the line.
   */
  async publish(request: PublishTaskFunctionRequest): Promise<PublishTaskFunctionResponse> {
    const syntax = checkSyntax(request.code);
    if ("error" in syntax) {
      throw new ApiError(400, "SYNTAX_ERROR", `line ${syntax.error.line}: ${syntax.error.message}`, "code");
    }
    const doc = readTaskDoc(syntax.blockComments);
    const version = createHash("sha256").update(request.code).digest("hex");
    await this.platform.store.append(taskFunctionStreamId(request.name), "any", [
      {
        type: "task.published",
        data: { name: request.name, version, code: request.code, description: request.description ?? doc.description, params: [...doc.params] },
      },
    ]);
    this.catalog.learn(request.name, version); // a submit right after this answer runs the new version
    return { name: request.name, version };
  }
}
