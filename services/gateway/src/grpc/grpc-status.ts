import { Metadata, status as GrpcStatus, type ServiceError } from "@grpc/grpc-js";
import { Logger } from "@nestjs/common";
import { errorResponse } from "../http/error-response.js";

/** The gRPC status of each HTTP status the API answers with. */
const BY_HTTP_STATUS: Record<number, GrpcStatus> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.ALREADY_EXISTS,
  413: GrpcStatus.RESOURCE_EXHAUSTED,
  503: GrpcStatus.UNAVAILABLE,
};

const logger = new Logger("gateway");

/**
 * A thrown value as a gRPC status: the same classification and message as the HTTP API's answer,
 * with details `<CODE>: <message>` and the code (and field) in the `tasker-error-code`/`-field` metadata.
 */
export function toGrpcError(error: unknown): Partial<ServiceError> {
  const { status, body, unexpected } = errorResponse(error);
  if (unexpected) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  const metadata = new Metadata();
  metadata.set("tasker-error-code", body.error.code);
  if (body.error.field !== undefined) metadata.set("tasker-error-field", body.error.field);
  return { code: BY_HTTP_STATUS[status] ?? GrpcStatus.INTERNAL, details: `${body.error.code}: ${body.error.message}`, metadata };
}
