import { Body, Controller, Get, HttpCode, Post } from "@nestjs/common";
import { ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import {
  ApiErrorBody,
  PublishTaskFunctionRequest,
  PublishTaskFunctionResponse,
  TaskFunctionList,
} from "@tasker/contracts";
import type { Caller } from "../auth/access-rule.js";
import { CurrentCaller, Requires } from "../auth/access.decorators.js";
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
}
