import { type CanActivate, type ExecutionContext, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { ApiError } from "../http/api-error.js";
import type { GatewayAction } from "./access-rule.js";
import { ACTION_KEY, type CallerRequest } from "./access.decorators.js";
import { RequestAuthenticator } from "./request-authenticator.js";

interface ChallengeResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * Every HTTP route's guard: the route's action (`@Requires`) is authorized for the request's key
 * (`RequestAuthenticator`), and the caller is left on the request (`@CurrentCaller()`). A route that
 * names no action takes the strictest, `keys.manage`: a route is open only when it says so (`public`).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: RequestAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const action = this.reflector.getAllAndOverride<GatewayAction | "public" | undefined>(ACTION_KEY, [context.getHandler(), context.getClass()]);
    if (action === "public") return true;
    const http = context.switchToHttp();
    const request = http.getRequest<CallerRequest>();
    const authorization = request.headers["authorization"];
    try {
      request.caller = await this.authenticator.authorize(Array.isArray(authorization) ? authorization[0] : authorization, action ?? "keys.manage");
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) http.getResponse<ChallengeResponse>().setHeader("WWW-Authenticate", 'Bearer realm="tasker"');
      throw error;
    }
    return true;
  }
}
