import { createParamDecorator, type ExecutionContext, SetMetadata } from "@nestjs/common";
import type { Caller, GatewayAction } from "./access-rule.js";

/** The metadata key of a route's action (`Requires`). */
export const ACTION_KEY = "tasker:action";

/** The action a route (or every route of a controller) performs; `public`: no key needed (`/health`). */
export const Requires = (action: GatewayAction | "public") => SetMetadata(ACTION_KEY, action);

/** What `AccessGuard` leaves on a request it let in. */
export interface CallerRequest {
  caller?: Caller;
  headers: Record<string, string | string[] | undefined>;
}

/** The caller `AccessGuard` let in: its namespace and role. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<CallerRequest>().caller;
  if (!caller) throw new Error("no caller on the request: is the route missing from AccessGuard?");
  return caller;
});
