import { z } from "zod";
import { MAX_SIGNAL_NAME_CHARS } from "../bounds.js";
import { JsonValue } from "../json.js";
import { defineEvent } from "./define.js";

/** A signal's name: what `tools.signals.wait(name)` waits for and `POST /tasks/:id/signals/:name` sends. */
export const SignalName = z
  .string()
  .min(1)
  .max(MAX_SIGNAL_NAME_CHARS)
  .regex(/^[A-Za-z0-9._\/-]+$/, "a signal name is letters, digits, '.', '_', '-' and '/'")
  // A URL path segment of "." or ".." is removed by every HTTP client: such a signal could not be sent.
  .refine((name) => name !== "." && name !== "..", "a signal name is not \".\" or \"..\"");

/**
 * Someone outside sent the run a signal: the oldest wait for `name` not yet answered receives
 * `payload`; with none, it is kept (in order, per name) for the next wait.
 */
export const SignalReceived = defineEvent(
  "signal.received",
  z.object({ signalId: z.uuid(), name: SignalName, payload: JsonValue }),
);
export type SignalReceived = z.infer<typeof SignalReceived>;
