import type { JsonValue } from "@tasker/contracts";
import type { CallResult, LogLine } from "@tasker/sandbox";
import { passesSecret, returnsSecret } from "@tasker/run-model";
import { isSealedValue, isSecretsError, type MasterKeys, sealValue, unsealValue } from "@tasker/secrets";

/** A call as far as secrets go. */
interface CallShape {
  readonly seq: number;
  readonly service: string;
  readonly method: readonly string[];
}

/** Secret values shorter than this are not redacted from log lines (they would blank ordinary text). */
export const MIN_REDACTED_CHARS = 4;
const REDACTED = "[redacted]";

/**
 * The secrets of one VM: which of its calls return one (`keystore.get`), and the values it was given,
 * which its log lines never show. Results of those calls are recorded sealed (by the keystore) and
 * opened here, only as they are delivered into the VM — live or in a replay. Without master keys
 * (`TASKER_MASTER_KEY` unset) nothing can be sealed or opened: a `keystore.set` is recorded without
 * its value (and refused), a sealed result is delivered as it is.
 */
export class VmSecrets {
  private readonly secretCalls = new Set<number>();
  private readonly values = new Set<string>();

  constructor(private readonly keys: MasterKeys | undefined) {}

  /** Notes the calls the VM made that return a secret. */
  noteCalls(calls: readonly CallShape[]): void {
    for (const call of calls) if (returnsSecret(call)) this.secretCalls.add(call.seq);
  }

  /**
   * The results as the VM receives them: a secret's sealed value opened (and remembered, to redact).
   * One this executor cannot open — it has no master key, or not the one the value was sealed under
   * (dropped after a rotation while the run still replays it) — rejects the call, with
   * `MASTER_KEY_MISSING` or the secrets error's code: never the sealed form in its place.
   */
  open(results: readonly CallResult[]): CallResult[] {
    return results.map((result) => {
      if (!result.ok || !this.secretCalls.has(result.seq) || !isSealedValue(result.value)) return result;
      if (!this.keys) return unopened(result.seq, "MASTER_KEY_MISSING", "this executor has no TASKER_MASTER_KEY, so it cannot open the secret the keystore returned");
      try {
        const value = unsealValue(this.keys, result.value);
        if (value.length >= MIN_REDACTED_CHARS) this.values.add(value);
        return { ...result, value };
      } catch (error) {
        if (!isSecretsError(error)) throw error;
        return unopened(result.seq, error.code, `the secret the keystore returned cannot be opened: ${error.message}`);
      }
    });
  }

  /** Log lines with every secret value the VM was given (and its JSON-escaped form) replaced by `[redacted]`. */
  redact(lines: readonly LogLine[]): LogLine[] {
    if (this.values.size === 0) return [...lines];
    // The longest first: a secret that contains another is hidden whole.
    const values = [...this.values].sort((a, b) => b.length - a.length);
    return lines.map((line) => {
      let message = line.message;
      for (const value of values) message = message.replaceAll(value, REDACTED).replaceAll(JSON.stringify(value).slice(1, -1), REDACTED);
      return message === line.message ? line : { ...line, message };
    });
  }
}

function unopened(seq: number, code: string, message: string): CallResult {
  return { seq, ok: false, error: { code, name: "ServiceError", message, details: { service: "keystore", method: "get" } } };
}

/**
 * The arguments a call is recorded with: a `keystore.set`'s value sealed under the master key (or, with
 * none, left out: the call is then refused, `MASTER_KEY_MISSING`).
 */
export function recordedArgs(keys: MasterKeys | undefined, call: Omit<CallShape, "seq"> & { readonly args: readonly unknown[] }): unknown[] {
  if (!passesSecret(call) || typeof call.args[1] !== "string") return [...call.args];
  const [name, value, ...rest] = call.args;
  return [name, keys ? (sealValue(keys, value as string) as unknown as JsonValue) : null, ...rest];
}
