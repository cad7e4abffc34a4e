import { ConsoleLogger, type LogLevel } from "@nestjs/common";
import { trace } from "@opentelemetry/api";
import { currentHandling } from "@tasker/bus";

type JsonOptions = Parameters<ConsoleLogger["getJsonLogObject"]>[1];

/** Nest's `log` is what log collectors call `info`; the other levels keep their names. */
const levelName = (level: LogLevel): string => (level === "log" ? "info" : level);

/**
 * Nest's JSON console logger, one object per line with Tasker's fields: `time` (ISO 8601), `level`
 * (`info`, `warn`, `error`, `debug`, `verbose`, `fatal`), `service` (the consumer group handling
 * the current message, else the process's `service`), `message`, `context` (the logger's name), and
 * when known `taskRunId` and `stackRunId` (from `currentHandling`) and `traceId` (the active
 * OpenTelemetry span's); then Nest's own `pid`, `stack`, `error`.
 */
export class JsonLogger extends ConsoleLogger {
  constructor(private readonly service: string) {
    super({ json: true });
  }

  protected override printAsJson(message: unknown, options: JsonOptions): void {
    const { level, timestamp, message: text, context, ...rest } = this.getJsonLogObject(message, options);
    const handling = currentHandling();
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    const line = {
      time: new Date(timestamp).toISOString(),
      level: levelName(level),
      service: handling?.service ?? this.service,
      message: text,
      context: context ?? null,
      ...(handling?.taskRunId ? { taskRunId: handling.taskRunId } : {}),
      ...(handling?.stackRunId ? { stackRunId: handling.stackRunId } : {}),
      ...(traceId ? { traceId } : {}),
      ...rest,
    };
    process[options.writeStreamType ?? "stdout"].write(`${this.stringifyJsonLogObject(line)}\n`);
  }
}
