import { type CanActivate, type ExecutionContext, Inject, Injectable } from "@nestjs/common";
import type { Platform } from "@tasker/platform";
import { ApiError } from "../http/api-error.js";
import { PLATFORM } from "../platform.token.js";
import { decideAdminAccess } from "./admin-access.js";

interface AdminHttpRequest {
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string };
}

interface AdminHttpResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * Guards the admin routes by `decideAdminAccess`, from `TASKER_ADMIN_TOKEN` and the TCP peer, while
 * `TASKER_AUTH=off`; refuses with an ApiError.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  canActivate(context: ExecutionContext): boolean {
    // With API keys on, the key's role decides (AccessGuard), TASKER_ADMIN_TOKEN being the admin key of `default`.
    if (this.platform.config.TASKER_AUTH === "on") return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AdminHttpRequest>();
    const authorization = request.headers["authorization"];
    const decision = decideAdminAccess({
      adminToken: this.platform.config.TASKER_ADMIN_TOKEN,
      authorization: Array.isArray(authorization) ? authorization[0] : authorization,
      remoteAddress: request.socket.remoteAddress,
    });
    if (decision.allowed) return true;
    if (decision.status === 401) http.getResponse<AdminHttpResponse>().setHeader("WWW-Authenticate", 'Bearer realm="tasker"');
    throw new ApiError(decision.status, decision.code, decision.message);
  }
}
