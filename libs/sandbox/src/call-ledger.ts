import { Buffer } from "node:buffer";
import { readCallAddress } from "./call-checks.js";
import { ErrorCodes } from "./error-codes.js";
import type { SandboxLimits } from "./limits.js";
import { SandboxFailure, sandboxError } from "./sandbox-failure.js";
import type { CallResult, SandboxError, ToolCall } from "./types.js";
import { unstorableJsonError } from "./unstorable-json.js";

/** Checks a call during replay; returns the non-determinism failure, if any. */
export type CallObserver = (call: ToolCall) => SandboxError | undefined;

/**
 * The calls of one stack run: numbers them `seq = 0, 1, 2, ...`, keeps the ones the VM waits on and
 * those made in the current activation, and turns a delivered batch into the JSON the VM reads.
 */
export class CallLedger {
  /** Set during replay: every call is checked against the journal before it is registered. */
  observer: CallObserver | undefined;
  activationCalls: ToolCall[] = [];
  private readonly pending = new Set<number>();
  private nextSeq = 0;
  /** JSON bytes of the arguments of the calls registered in the current activation. */
  private activationArgsBytes = 0;

  constructor(
    private readonly limits: SandboxLimits,
    private readonly failFatally: (error: SandboxError) => void,
  ) {}

  get waitingOn(): number {
    return this.pending.size;
  }

  beginActivation(): void {
    this.activationCalls = [];
    this.activationArgsBytes = 0;
  }

  /**
   * Registers a call and returns its seq, or the error its promise rejects with: an invalid address
   * (`INVALID_ARGUMENT`), arguments over `argsBytes` or, with the activation's earlier calls, over
   * `argsBytesPerActivation` (`ARGS_TOO_LARGE`), or arguments nested deeper than
   * `MAX_JSON_DEPTH` (`STACK_LIMIT`). A refused call takes no seq: it depends only on the code and
   * the activation's earlier calls, so replay refuses it again. A call over the activation's limit, or
   * one that contradicts the journal, fails the VM fatally and throws.
   */
  register(serviceJson: string, methodJson: string, argsJson: string): number | SandboxError {
    if (this.activationCalls.length >= this.limits.callsPerActivation) {
      const message = `the activation made more than ${this.limits.callsPerActivation} calls`;
      this.failFatally(sandboxError(ErrorCodes.callLimit, message, "CallLimitError"));
      throw new Error(message);
    }
    const address = readCallAddress(serviceJson, methodJson);
    if ("code" in address) return address;
    const bytes = Buffer.byteLength(argsJson);
    if (bytes > this.limits.argsBytes) return argsTooLarge(`tool arguments exceed ${this.limits.argsBytes} bytes of JSON (${bytes})`);
    const total = this.limits.argsBytesPerActivation;
    if (this.activationArgsBytes + bytes > total) {
      const message = `tool arguments of ${bytes} bytes of JSON would take this activation's calls (${this.activationArgsBytes} bytes so far) over ${total} bytes`;
      return argsTooLarge(message);
    }
    const args: unknown = JSON.parse(argsJson);
    if (!Array.isArray(args)) return sandboxError(ErrorCodes.invalidArgument, "args must be an array", "TypeError");
    // Each argument is a value, with the depth any value may have: a task's input passes on to a child as it is.
    for (const [index, arg] of args.entries()) {
      const unstorable = unstorableJsonError(arg, `argument ${index} of the call`, `args[${index}]`, ErrorCodes.invalidArgument);
      if (unstorable !== undefined) return unstorable;
    }
    const call: ToolCall = { seq: this.nextSeq, ...address, args };
    const mismatch = this.observer?.(call);
    if (mismatch !== undefined) {
      this.failFatally(mismatch);
      throw new Error(mismatch.message);
    }
    this.nextSeq += 1;
    this.activationArgsBytes += bytes;
    this.pending.add(call.seq);
    this.activationCalls.push(call);
    return call.seq;
  }

  /**
   * Takes the results of a batch and returns them as the JSON array the prelude's `deliver` reads.
   * Throws `UNKNOWN_CALL`, leaving the ledger unchanged, for a seq the VM is not waiting on.
   */
  settle(results: CallResult[]): string {
    const seen = new Set<number>();
    for (const { seq } of results) {
      if (!this.pending.has(seq) || seen.has(seq)) throw new SandboxFailure(ErrorCodes.unknownCall, `the VM is not waiting on call ${seq}`);
      seen.add(seq);
    }
    for (const seq of seen) this.pending.delete(seq);
    return `[${results.map((result) => this.encode(result)).join(",")}]`;
  }

  /** A value over the size limit becomes a rejection the task can catch. */
  private encode(result: CallResult): string {
    if (!result.ok) return JSON.stringify({ seq: result.seq, ok: false, error: result.error });
    const value = JSON.stringify(result.value);
    if (value === undefined) return `{"seq":${result.seq},"ok":true}`;
    if (Buffer.byteLength(value) <= this.limits.resultBytes) return `{"seq":${result.seq},"ok":true,"value":${value}}`;
    const message = `the result of call ${result.seq} exceeds ${this.limits.resultBytes} bytes of JSON`;
    return JSON.stringify({ seq: result.seq, ok: false, error: { name: "RangeError", message, code: ErrorCodes.resultTooLarge } });
  }
}

function argsTooLarge(message: string): SandboxError {
  return sandboxError(ErrorCodes.argsTooLarge, message, "RangeError");
}
