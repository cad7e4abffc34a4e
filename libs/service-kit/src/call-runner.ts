import { Logger } from "@nestjs/common";
import { type CallUsage, jsonBytes, type JsonValue, type RecordedEvent, RetryLaterError, type StackCreated, storableText, taskRunIdOf } from "@tasker/contracts";
import { appendDecision, type EventStore } from "@tasker/event-store";
import { type Decision, decideClaim, decideRetry, type Outcome, type RunStates, settleCall, stackGuardVersion } from "@tasker/run-model";
import { callError } from "./call-error.js";
import { inAttemptSpan, recordCallSpan } from "./call-spans.js";
import { classifyError } from "./classify-error.js";
import type { CallContext } from "./method-table.js";
import { ServiceCallError, ServiceCodes } from "./service-error.js";
import { settingsPrefix } from "./service-settings.js";
import type { TokenBucket } from "./token-bucket.js";
import type { ServiceDefaults, WrappedService } from "./wrapped-service.js";

/**
 * How much longer than an attempt's timeout (ms) its lease holds, time to record its outcome: as long
 * as the timeout, between 2 and 15 s. A dead instance's call is taken over after the two.
 */
function leaseGraceMs(timeoutMs: number): number {
  return Math.min(15_000, Math.max(2_000, timeoutMs));
}
/** Times a call's state is read and a claim tried for one delivery. */
const MAX_CLAIM_LOOKS = 5;
/** The first retry's delay; each doubles it, at most `MAX_RETRY_DELAY_MS`, jittered. */
const FIRST_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 30_000;

export interface CallRunnerOptions<Client> {
  readonly store: EventStore;
  readonly runs: RunStates;
  readonly spec: WrappedService<Client>;
  readonly client: Client;
  readonly settings: ServiceDefaults;
  readonly bucket: TokenBucket;
  /** This instance, named in the `stack.started` of every attempt it takes. */
  readonly worker: string;
  readonly prefix: string;
}

/**
 * Runs the calls of one wrapped service, one `stack.created` at a time per message: claims the next
 * attempt (`decideClaim`: one instance per attempt, a dead instance's lease expires), resolves the
 * method against the allowlist, runs it under the service's rate limit and timeout, and records the
 * outcome: the result (with its token `usage` when the service reads one: `usageOf`); a retryable
 * failure as `stack.retrying` with the next attempt's time (the message comes back then:
 * `RetryLaterError`), until the attempts run out; any other failure at once.
 * Every append rests on the call's guard, so an outcome is recorded once whoever else acts on the call.
 */
export class CallRunner<Client> {
  private readonly logger: Logger;

  constructor(private readonly options: CallRunnerOptions<Client>) {
    this.logger = new Logger(options.spec.name);
  }

  async handle(event: RecordedEvent<StackCreated>): Promise<void> {
    const { store, runs, settings, worker, prefix } = this.options;
    const { streamId } = event.metadata;
    const { stackRunId } = event.data;
    for (let look = 1; ; look++) {
      // Each failed claim means another writer moved the call on: a handful is plenty; past that the
      // message goes back to the bus, with its backoff, rather than spin here.
      if (look > MAX_CLAIM_LOOKS) throw new Error(`call ${stackRunId}: claimed ${MAX_CLAIM_LOOKS} times without taking it; the bus delivers it again later`);
      const now = Date.now();
      const state = await runs.read(streamId);
      const claim = decideClaim(state, stackRunId, { worker, leaseUntilMs: now + settings.timeoutMs + leaseGraceMs(settings.timeoutMs), now });
      if (claim.kind === "skip") return;
      if (claim.kind === "wait") throw new RetryLaterError(`call ${stackRunId}: ${claim.why}`, Math.max(1, claim.untilMs - now));
      if (!(await appendDecision(store, event, claim.decision, prefix))) continue; // taken or changed meanwhile: look again
      const outcome = await inAttemptSpan(event, state.stackRuns.get(stackRunId), claim.attempt, () => this.attempt(event, claim.attempt, state.namespace));
      if (outcome.ok) return this.settle(event, claim.attempt, outcome);
      const failure = outcome.failure;
      const waitMs = Math.max(retryDelay(claim.attempt), failure.retryAfterMs ?? 0);
      if (!failure.retryable || claim.attempt >= settings.maxAttempts || waitMs > settings.maxRetryDelayMs) {
        const final = waitMs > settings.maxRetryDelayMs && failure.retryable && claim.attempt < settings.maxAttempts ? tooLongToWait(failure, waitMs, settings.maxRetryDelayMs, event.data.service) : failure;
        return this.settle(event, claim.attempt, { ok: false, error: callError(final, event.data.service, event.data.method, claim.attempt) });
      }
      const retryAtMs = Date.now() + waitMs;
      const retry = decideRetry(stackRunId, claim.attempt, callError(failure, event.data.service, event.data.method, claim.attempt), retryAtMs);
      if (!(await appendDecision(store, event, retry, prefix))) return; // settled or taken over meanwhile
      this.logger.warn(`run ${taskRunIdOf(streamId)} call ${stackRunId} (${callName(event)}): attempt ${claim.attempt} failed with ${failure.code}; attempt ${claim.attempt + 1} at ${new Date(retryAtMs).toISOString()}`);
      throw new RetryLaterError(`call ${stackRunId}: attempt ${claim.attempt + 1} is due later`, Math.max(1, retryAtMs - Date.now()));
    }
  }

  /**
   * Settles a call whose message the bus gave up on (`error`): failed under its guard where it is,
   * whatever attempt it reached. Nothing when it settled meanwhile or its run ended.
   */
  async abandon(event: RecordedEvent<StackCreated>, code: string, message: string): Promise<void> {
    const state = await this.options.runs.read(event.metadata.streamId);
    const run = state.stackRuns.get(event.data.stackRunId);
    if (!run) return;
    const failure = new ServiceCallError(code, `${this.options.spec.service} gave up on this call: ${storableText(message)}`);
    const decision = settleCall(event.data.stackRunId, stackGuardVersion(run), { ok: false, error: callError(failure, event.data.service, event.data.method, run.attempt) });
    await appendDecision(this.options.store, event, decision, this.options.prefix);
  }

  private async attempt(event: RecordedEvent<StackCreated>, attempt: number, namespace: string): Promise<{ ok: true; value: JsonValue; usage?: CallUsage } | { ok: false; failure: ServiceCallError }> {
    const { spec, client, settings, bucket } = this.options;
    const { service, method, args, stackRunId } = event.data;
    const handler = spec.methods.resolve(method);
    if (!handler) {
      const offered = spec.methods.names().join(", ");
      return { ok: false, failure: new ServiceCallError(ServiceCodes.UNKNOWN_METHOD, `${service} has no method "${method.join(".")}"; it offers: ${offered}`) };
    }
    await bucket.take();
    const abort = new AbortController();
    const context: CallContext = { service, method, taskRunId: taskRunIdOf(event.metadata.streamId), namespace, stackRunId, attempt, signal: abort.signal };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new ServiceCallError(ServiceCodes.TIMEOUT, `${service}.${method.join(".")} did not answer within ${settings.timeoutMs} ms`, { retryable: true }));
      }, settings.timeoutMs);
    });
    try {
      const value = await Promise.race([handler(client, args, context), timeout]);
      const bytes = jsonBytes(value);
      if (bytes > settings.maxResultBytes) {
        return { ok: false, failure: new ServiceCallError(ServiceCodes.RESULT_TOO_LARGE, `the result of ${service}.${method.join(".")} is ${bytes} bytes of JSON; at most ${settings.maxResultBytes} are kept`) };
      }
      const usage = spec.usageOf?.(method, value ?? null);
      return { ok: true, value: value ?? null, ...(usage && { usage }) };
    } catch (error) {
      const failure = abort.signal.aborted && !(error instanceof ServiceCallError) ? classifyError({ name: "AbortError" }) : (spec.classify?.(error) ?? classifyError(error));
      if (failure.code === ServiceCodes.SERVICE_ERROR) this.logger.error(`${service}.${method.join(".")} failed unexpectedly: ${failure.message}`);
      return { ok: false, failure };
    } finally {
      clearTimeout(timer);
    }
  }

  private async settle(event: RecordedEvent<StackCreated>, attempt: number, outcome: Outcome): Promise<void> {
    const decision: Decision = settleCall(event.data.stackRunId, attempt, outcome);
    // False: another instance took the call over, a timeout or a cancel settled it: this outcome is dropped.
    if (await appendDecision(this.options.store, event, decision, this.options.prefix)) recordCallSpan(event, attempt, outcome);
  }
}

/** `failure`, whose upstream asked for a wait (`waitMs`) longer than the service waits, as final. */
function tooLongToWait(failure: ServiceCallError, waitMs: number, maxMs: number, service: string): ServiceCallError {
  const asked = `the upstream asks to wait ${Math.round(waitMs / 1000)} s before trying again, longer than ${service} waits (${settingsPrefix(service)}MAX_RETRY_DELAY_MS: ${maxMs} ms)`;
  return new ServiceCallError(failure.code, `${failure.message}; ${asked}`, { status: failure.status, details: failure.details });
}

/** The delay before the attempt after `attempt`: exponential from 500 ms to 30 s, jittered between half and all of it. */
function retryDelay(attempt: number): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function callName(event: RecordedEvent<StackCreated>): string {
  return `${event.data.service}.${event.data.method.join(".")}`;
}
