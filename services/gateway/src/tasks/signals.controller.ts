import { Body, Controller, HttpCode, Param, Post } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from "@nestjs/swagger";
import { ApiErrorBody, type JsonValue, SendSignalRequest, SendSignalResponse, SignalNameParam, TaskRunIdParam } from "@tasker/contracts";
import type { Caller } from "../auth/access-rule.js";
import { CurrentCaller, Requires } from "../auth/access.decorators.js";
import { SignalSender } from "./signal-sender.js";

@ApiTags("tasks")
@Controller("tasks")
export class SignalsController {
  constructor(private readonly sender: SignalSender) {}

  @Post(":taskRunId/signals/:name")
  @Requires("runs.signal")
  @HttpCode(202)
  @ApiOperation({
    summary: "Send a run a signal: the oldest tools.signals.wait(name) not yet answered resolves with the payload, or the next one made does",
  })
  @ApiParam({ name: "name", description: "the signal's name: 1-200 letters, digits, '.', '_', '-' and '/'" })
  @ApiResponse({ status: 202, description: "recorded", standardSchema: SendSignalResponse })
  @ApiResponse({ status: 400, description: "invalid request (a bad name, no payload): the error names the field", standardSchema: ApiErrorBody })
  @ApiResponse({ status: 404, description: "TASK_RUN_NOT_FOUND: no such run", standardSchema: ApiErrorBody })
  @ApiResponse({ status: 409, description: "RUN_ENDED: the run has ended and takes no more signals", standardSchema: ApiErrorBody })
  @ApiResponse({ status: 413, description: "body too large", standardSchema: ApiErrorBody })
  send(
    @CurrentCaller() caller: Caller,
    @Param("taskRunId", { schema: TaskRunIdParam }) taskRunId: string,
    @Param("name", { schema: SignalNameParam }) name: string,
    @Body({ schema: SendSignalRequest }) request: SendSignalRequest,
  ): Promise<SendSignalResponse> {
    return this.sender.send(caller.namespace, taskRunId, name, request.payload as JsonValue);
  }
}
