import { Catch, type RpcExceptionFilter } from "@nestjs/common";
import { type Observable, throwError } from "rxjs";

/**
 * Nest's default RPC filter turns any error into "Internal server error"; the transport needs the
 * original to tell a retryable error from a terminal one, so this filter passes it through unchanged.
 */
@Catch()
export class ForwardErrorsFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
