import { Body, Controller, Get, HttpCode, Param, Post } from "@nestjs/common";
import { ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import {
  ApiErrorBody,
  ApiTaskName,
  PublishTaskFunctionRequest,
  PublishTaskFunctionResponse,
  TaskFunctionList,
  TaskFunctionVersionList,
  TaskFunctionVersionView,
  TaskVersionParam,
} from "@tasker/contracts";
import type { Caller } from "../auth/access-rule.js";
import { CurrentCaller, Requires } from "../auth/access.decorators.js";
import { taskNotFound, taskVersionNotFound } from "../http/api-error.js";
import { TaskFunctionCatalog } from "./task-function-catalog.js";
import { TaskFunctionPublisher } from "./task-function-publisher.js";

@ApiTags("task functions")
@Controller("task-functions")
export class TaskFunctionsController {
  constructor(
    private readonly publisher: TaskFunctionPublisher,
    private readonly catalog: TaskFunctionCatalog,
  ) {}

  @Post()
  @Requires("task-functions.publish")
  @HttpCode(201)
  @ApiOperation({ summary: "Publish a new version of a task function; its JSDoc gives the description, params and uses (@uses)" })
  @ApiResponse({ status: 201, description: "published", standardSchema: PublishTaskFunctionResponse })
  @ApiResponse({
    status: 400,
    description: "invalid name; a malformed @uses entry (VALIDATION_FAILED, field uses); code that does not parse or compile (SYNTAX_ERROR, the message names the line); a check over TASKER_COMPILE_MS (COMPILE_TIME_LIMIT)",
    standardSchema: ApiErrorBody,
  })
  @ApiResponse({ status: 503, description: "too many code checks waiting for a compile thread (COMPILE_BUSY)", standardSchema: ApiErrorBody })
  publish(@CurrentCaller() caller: Caller, @Body({ schema: PublishTaskFunctionRequest }) request: PublishTaskFunctionRequest): Promise<PublishTaskFunctionResponse> {
    return this.publisher.publish(caller.namespace, request);
  }

  @Get()
  @Requires("task-functions.read")
  @ApiOperation({ summary: "List the current version of every task function of the caller's namespace, sorted by name" })
  @ApiResponse({ status: 200, description: "the task functions", standardSchema: TaskFunctionList })
  list(@CurrentCaller() caller: Caller): Promise<TaskFunctionList> {
    return this.catalog.list(caller.namespace);
  }

  @Get(":name/versions")
  @Requires("task-functions.read")
  @ApiOperation({ summary: "Every published version of a task function of the caller's namespace, newest first (a name with '/' is sent as %2F)" })
  @ApiResponse({ status: 200, description: "its versions", standardSchema: TaskFunctionVersionList })
  @ApiResponse({ status: 404, description: "no such task function (TASK_NOT_FOUND)", standardSchema: ApiErrorBody })
  async versions(@CurrentCaller() caller: Caller, @Param("name", { schema: ApiTaskName }) name: string): Promise<TaskFunctionVersionList> {
    const versions = await this.catalog.listVersions(caller.namespace, name);
    if (versions.length === 0) throw taskNotFound(name);
    return versions;
  }

  @Get(":name/versions/:version")
  @Requires("task-functions.read")
  @ApiOperation({ summary: "One version of a task function: its code, description, params and uses" })
  @ApiResponse({ status: 200, description: "the version", standardSchema: TaskFunctionVersionView })
  @ApiResponse({ status: 404, description: "no such task function (TASK_NOT_FOUND) or version (TASK_VERSION_NOT_FOUND)", standardSchema: ApiErrorBody })
  async version(
    @CurrentCaller() caller: Caller,
    @Param("name", { schema: ApiTaskName }) name: string,
    @Param("version", { schema: TaskVersionParam }) version: string,
  ): Promise<TaskFunctionVersionView> {
    const found = await this.catalog.readVersion(caller.namespace, name, version);
    if (found) return found;
    throw (await this.catalog.currentVersion(caller.namespace, name)) === undefined ? taskNotFound(name) : taskVersionNotFound(name, version);
  }
}
