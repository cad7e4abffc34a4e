import type { ServerResponse } from "node:http";
import { Controller, Get, Headers, Param, Query, Res } from "@nestjs/common";
import { ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from "@nestjs/swagger";
import { ApiErrorBody, EventStreamCursor, TaskRunIdParam } from "@tasker/contracts";
import type { Caller } from "../auth/access-rule.js";
import { CurrentCaller, Requires } from "../auth/access.decorators.js";
import { runNotFound } from "../http/api-error.js";
import { parseRequest } from "../http/parse-request.js";
import { sendEventStream } from "./event-stream-response.js";
import { RunEventFeed } from "./run-event-feed.js";

@ApiTags("tasks")
@Controller("tasks")
@ApiResponse({ status: 400, description: "invalid request: the error names the field", standardSchema: ApiErrorBody })
export class RunEventsController {
  constructor(private readonly feed: RunEventFeed) {}

  @Get(":taskRunId/events")
  @Requires("runs.read")
  @ApiOperation({
    summary:
      "The run's recorded events as Server-Sent Events, live, in version order: `event:` the type, `id:` the version, `data:` the recorded event as JSON; " +
      "from the first, or after the version in Last-Event-ID (or `after`); a `: keep-alive` comment every 15 s; the server closes the stream after the run's end event",
  })
  @ApiHeader({ name: "Last-Event-ID", required: false, description: "the version of the last event the client has: the stream resumes after it" })
  @ApiQuery({ name: "after", required: false, description: "as Last-Event-ID, for clients that cannot set headers (the header wins)" })
  @ApiResponse({
    status: 200,
    description: "the event stream: `event: <type>`, `id: <version>`, `data: <the recorded event as JSON>` per event",
    content: { "text/event-stream": { schema: { type: "string" } } },
  })
  @ApiResponse({ status: 404, description: "no such run", standardSchema: ApiErrorBody })
  async events(
    @CurrentCaller() caller: Caller,
    @Param("taskRunId", { schema: TaskRunIdParam }) taskRunId: string,
    @Query("after", { schema: EventStreamCursor }) after: number,
    @Headers("last-event-id") lastEventId: string | undefined,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const afterVersion = lastEventId === undefined ? after : parseRequest(EventStreamCursor, lastEventId, () => "Last-Event-ID");
    if (!(await this.feed.exists(caller.namespace, taskRunId))) throw runNotFound(taskRunId);
    const clientGone = new AbortController();
    response.once("close", () => clientGone.abort());
    const stop = AbortSignal.any([clientGone.signal, this.feed.closed]);
    await sendEventStream(response, this.feed.follow(caller.namespace, taskRunId, afterVersion, clientGone.signal), stop);
  }
}
