import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from "@nestjs/common";
import { errorResponse } from "./error-response.js";

interface HttpResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

/**
 * Answers every error of the HTTP API as `{error: {code, message, field?}}` (see `errorResponse`).
 * Provided as `APP_FILTER` of the gateway's own HTTP app, so no other transport sees it.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger("gateway");

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const { status, body, unexpected } = errorResponse(exception);
    if (unexpected) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (response.headersSent) return;
    response.status(status).json(body);
  }
}
