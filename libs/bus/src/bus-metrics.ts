import { Counter } from "prom-client";

/**
 * Messages given up on and sent to `<prefix>.dlq.<service>`, by consumer group (`service`) and the
 * error's `code` (e.g. `DELIVERY_LIMIT`, `INVALID_EVENT`): both bounded sets. In the process's
 * default prom-client registry.
 */
export const deadLetters = new Counter({
  name: "tasker_dead_letters_total",
  help: "Messages given up on and sent to the dead-letter subject, by service and error code.",
  labelNames: ["service", "code"] as const,
});

/** Messages that arrived again (delivery count above 1), by durable consumer. */
export const redeliveries = new Counter({
  name: "tasker_redeliveries_total",
  help: "Messages delivered again by JetStream (a handler failed, or its process died before acknowledging), by durable consumer.",
  labelNames: ["consumer"] as const,
});
