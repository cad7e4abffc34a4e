import { createHash } from "node:crypto";
import type { IdGenerator } from "@opentelemetry/sdk-trace";

/**
 * The span id of a stack run's span: the first 8 bytes (16 hex digits) of the SHA-256 of its stack
 * run id. Any process can name it (as a parent, say) before the span is exported, once, when the
 * stack run ends.
 */
export function stackRunSpanId(stackRunId: string): string {
  return createHash("sha256").update(stackRunId).digest("hex").slice(0, 16);
}

/**
 * The SDK's ids, except for the one span `withSpanId` starts: random trace and span ids otherwise.
 * Starting a span is synchronous, so the id asked for is the next one the tracer takes.
 */
export class ChosenSpanIds implements IdGenerator {
  private chosen: string | undefined;

  constructor(private readonly random: IdGenerator) {}

  generateTraceId(): string {
    return this.random.generateTraceId();
  }

  generateSpanId(): string {
    const chosen = this.chosen;
    this.chosen = undefined;
    return chosen ?? this.random.generateSpanId();
  }

  /** Runs `start` (which starts one span, synchronously) with `spanId` as that span's id. */
  withSpanId<T>(spanId: string, start: () => T): T {
    this.chosen = spanId;
    try {
      return start();
    } finally {
      this.chosen = undefined;
    }
  }
}
