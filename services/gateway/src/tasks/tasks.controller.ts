import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from "@nestjs/common";
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from "@nestjs/swagger";
import {
  ApiErrorBody,
  ApiTaskName,
  CancelTaskRequest,
  CancelTaskResponse,
  ResultWaitSeconds,
  RunListCursorText,
  RunListLimit,
  RunListSince,
  RunListStatus,
  SubmitTaskRequest,
  SubmitTaskResponse,
  DEFAULT_RUN_PAGE_SIZE,
  MAX_RUN_PAGE_SIZE,
  TaskRunIdParam,
  TaskRunList,
  TaskRunStatus,
  TaskRunView,
  StackRunTreeNode,
} from "@tasker/contracts";
import type { Caller } from "../auth/access-rule.js";
import { CurrentCaller, Requires } from "../auth/access.decorators.js";
import { runNotFound } from "../http/api-error.js";
import { RunCanceller } from "./run-canceller.js";
import { decodeRunListCursor } from "./run-list-cursor.js";
import { RunListReader } from "./run-list-reader.js";
import { RunTreeReader } from "./run-tree-reader.js";
import { RunWaiter } from "./run-waiter.js";
import { SubmitAndWait } from "./submit-and-wait.js";
import { TaskRunReader } from "./task-run-reader.js";


/** The part of the HTTP response a long wait needs: to learn that the client went away. */
interface ClosableResponse {
  once(event: "close", listener: () => void): unknown;
}

/** A response a wait may answer with another status than the route's. */
interface WaitingResponse extends ClosableResponse {
  status(code: number): unknown;
}

/** Aborted when the client closes the connection: a wait for it ends there. */
function clientGoneOf(response: ClosableResponse): AbortSignal {
  const clientGone = new AbortController();
  response.once("close", () => clientGone.abort());
  return clientGone.signal;
}

@ApiTags("tasks")
@Controller("tasks")
@ApiResponse({ status: 400, description: "invalid request: the error names the field", standardSchema: ApiErrorBody })
export class TasksController {
  constructor(
    private readonly submitAndWait: SubmitAndWait,
    private readonly runs: TaskRunReader,
    private readonly waiter: RunWaiter,
    private readonly canceller: RunCanceller,
    private readonly list: RunListReader,
    private readonly trees: RunTreeReader,
  ) {}

  @Get()
  @Requires("runs.read")
  @ApiOperation({ summary: "The caller's namespace's runs, newest first, a page at a time (keyset: pass `nextCursor` back as `cursor`)" })
  @ApiQuery({ name: "status", required: false, enum: TaskRunStatus.options, description: "only runs with this status" })
  @ApiQuery({ name: "taskName", required: false, description: "only runs of this task" })
  @ApiQuery({ name: "since", required: false, description: "only runs created at or after this time: ISO-8601, a date and time with a zone (2026-12-01T08:00:00Z) or a date (2026-12-01, midnight UTC)" })
  @ApiQuery({ name: "limit", required: false, description: `runs per page, 1 to ${MAX_RUN_PAGE_SIZE} (default ${DEFAULT_RUN_PAGE_SIZE})` })
  @ApiQuery({ name: "cursor", required: false, description: "the `nextCursor` of the page before" })
  @ApiResponse({ status: 200, description: "a page of runs; `nextCursor` when more follow", standardSchema: TaskRunList })
  listRuns(
    @CurrentCaller() caller: Caller,
    @Query("status", { schema: RunListStatus }) status: TaskRunStatus | undefined,
    @Query("taskName", { schema: ApiTaskName.optional() }) taskName: string | undefined,
    @Query("since", { schema: RunListSince }) since: string | undefined,
    @Query("limit", { schema: RunListLimit }) limit: number,
    @Query("cursor", { schema: RunListCursorText }) cursor: string | undefined,
  ): Promise<TaskRunList> {
    return this.list.list(caller.namespace, { status, taskName, since, limit, ...(cursor === undefined ? {} : { after: decodeRunListCursor(cursor) }) });
  }

  @Post()
  @Requires("runs.submit")
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Run the current version of a task of the caller's namespace; the same idempotencyKey (scoped to the namespace and task) with the same input answers with the same run. With `wait`, answers 200 with the run as soon as it ends within that many seconds",
  })
  @ApiQuery({ name: "wait", required: false, description: "seconds to wait for the run to end (0 to 60; 0, the default, answers 202 at once)" })
  @ApiResponse({ status: 200, description: "the run ended within `wait`: as GET /tasks/{taskRunId} shows it", standardSchema: TaskRunView })
  @ApiResponse({ status: 202, description: "queued (or, with `wait`, not ended by then: its status at that moment)", standardSchema: SubmitTaskResponse })
  @ApiResponse({ status: 404, description: "no such task function", standardSchema: ApiErrorBody })
  @ApiResponse({ status: 409, description: "IDEMPOTENCY_CONFLICT: the idempotencyKey was used for this task with another input", standardSchema: ApiErrorBody })
  @ApiResponse({ status: 413, description: "body too large", standardSchema: ApiErrorBody })
  async submit(
    @CurrentCaller() caller: Caller,
    @Body({ schema: SubmitTaskRequest }) request: SubmitTaskRequest,
    @Query("wait", { schema: ResultWaitSeconds }) wait: number,
    @Res({ passthrough: true }) response: WaitingResponse,
  ): Promise<SubmitTaskResponse | TaskRunView> {
    const answer = await this.submitAndWait.submit(caller.namespace, request, wait, clientGoneOf(response));
    if ("pending" in answer) return answer.pending;
    response.status(200);
    return answer.ended;
  }

  @Get(":taskRunId")
  @Requires("runs.read")
  @ApiOperation({ summary: "A task run: status, input, result or error, logs, and what it waits on" })
  @ApiResponse({ status: 200, description: "the run", standardSchema: TaskRunView })
  @ApiResponse({ status: 404, description: "no such run", standardSchema: ApiErrorBody })
  async get(@CurrentCaller() caller: Caller, @Param("taskRunId", { schema: TaskRunIdParam }) taskRunId: string): Promise<TaskRunView> {
    const run = await this.runs.read(caller.namespace, taskRunId);
    if (!run) throw runNotFound(taskRunId);
    return run;
  }

  @Get(":taskRunId/tree")
  @Requires("runs.read")
  @ApiOperation({
    summary: "A run's stack runs as a tree, built from its events: each with its service and method, status, times, activations (start, cache, replay) and attempts, its calls as children",
  })
  @ApiResponse({ status: 200, description: "the root stack run, its calls as children", standardSchema: StackRunTreeNode })
  @ApiResponse({ status: 404, description: "no such run", standardSchema: ApiErrorBody })
  async tree(@CurrentCaller() caller: Caller, @Param("taskRunId", { schema: TaskRunIdParam }) taskRunId: string): Promise<StackRunTreeNode> {
    const tree = await this.trees.tree(caller.namespace, taskRunId);
    if (!tree) throw runNotFound(taskRunId);
    return tree;
  }

  @Get(":taskRunId/result")
  @Requires("runs.read")
  @ApiOperation({ summary: "A task run, answered as soon as it ends or after `wait` seconds (at most 60)" })
  @ApiQuery({ name: "wait", required: false, description: "seconds to wait for the run to end (0 to 60; 0, the default, answers at once)" })
  @ApiResponse({ status: 200, description: "the run", standardSchema: TaskRunView })
  @ApiResponse({ status: 404, description: "no such run", standardSchema: ApiErrorBody })
  async result(
    @CurrentCaller() caller: Caller,
    @Param("taskRunId", { schema: TaskRunIdParam }) taskRunId: string,
    @Query("wait", { schema: ResultWaitSeconds }) wait: number,
    @Res({ passthrough: true }) response: ClosableResponse,
  ): Promise<TaskRunView> {
    const run = await this.waiter.waitForEnd(caller.namespace, taskRunId, wait, clientGoneOf(response));
    if (!run) throw runNotFound(taskRunId);
    return run;
  }

  @Post(":taskRunId/cancel")
  @Requires("runs.cancel")
  @HttpCode(202)
  @ApiOperation({ summary: "Ask a run to stop; an ended run is left as it is" })
  @ApiBody({ required: false, description: "optional: why the run is cancelled" })
  @ApiResponse({ status: 202, description: "cancel requested (or the run had already ended)", standardSchema: CancelTaskResponse })
  @ApiResponse({ status: 404, description: "no such run", standardSchema: ApiErrorBody })
  cancel(
    @CurrentCaller() caller: Caller,
    @Param("taskRunId", { schema: TaskRunIdParam }) taskRunId: string,
    @Body({ schema: CancelTaskRequest.optional() }) request: CancelTaskRequest | undefined,
  ): Promise<CancelTaskResponse> {
    return this.canceller.cancel(caller.namespace, taskRunId, request?.reason);
  }
}
