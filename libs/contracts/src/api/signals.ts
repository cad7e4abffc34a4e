import { z } from "zod";
import { SignalName } from "../events/signal.js";
import { StorableJson } from "./storable-json.js";

/** The path parameter naming a signal: 1-200 letters, digits, '.', '_', '-' and '/'. */
export const SignalNameParam = SignalName;

/** `POST /tasks/:taskRunId/signals/:name`: the body is an object with the signal's payload. */
export const SendSignalRequest = z.object({
  /** What the run's `tools.signals.wait(name)` resolves with: any JSON value, `null` included (required). */
  payload: StorableJson,
});
export type SendSignalRequest = z.infer<typeof SendSignalRequest>;

/** The signal was recorded: the oldest wait for its name not yet answered receives it, or the next wait made. */
export const SendSignalResponse = z.object({ signalId: z.uuid() });
export type SendSignalResponse = z.infer<typeof SendSignalResponse>;
