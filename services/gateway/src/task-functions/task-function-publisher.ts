import { createHash } from "node:crypto";
import { Inject, Injectable } from "@nestjs/common";
import { namespaceField, type PublishTaskFunctionRequest, type PublishTaskFunctionResponse, taskFunctionStreamId } from "@tasker/contracts";
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
   * description wins) to the stream of the function of that name in `namespace`. Code that does not
   * parse is a 400 naming the line.
   */
  async publish(namespace: string, request: PublishTaskFunctionRequest): Promise<PublishTaskFunctionResponse> {
    const syntax = checkSyntax(request.code);
    if ("error" in syntax) {
      throw new ApiError(400, "SYNTAX_ERROR", `line ${syntax.error.line}: ${syntax.error.message}`, "code");
    }
    const doc = readTaskDoc(syntax.blockComments);
    const version = createHash("sha256").update(request.code).digest("hex");
    await this.platform.store.append(taskFunctionStreamId(request.name, namespace), "any", [
      {
        type: "task.published",
        data: { ...namespaceField(namespace), name: request.name, version, code: request.code, description: request.description ?? doc.description, params: [...doc.params] },
      },
    ]);
    this.catalog.learn(namespace, request.name, version); // a submit right after this answer runs the new version
    return { name: request.name, version };
  }
}
