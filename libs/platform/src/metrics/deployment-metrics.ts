import { jetstreamManager } from "@nats-io/jetstream";
import { Logger } from "@nestjs/common";
import { eventStreamName } from "@tasker/bus";
import { TaskRunStatus } from "@tasker/contracts";
import { Gauge, Registry } from "prom-client";
import type { Platform } from "../platform.js";
import { withinMs } from "../within-ms.js";

/** How long one scrape's look at PostgreSQL or JetStream may take; then that gauge is left empty. */
const SCRAPE_TIMEOUT_MS = 2000;

const logger = new Logger("metrics");

/** Runs `fill`; when it fails (a server down, too slow) the gauge is left empty and the reason logged. */
async function filled(gauge: Gauge, name: string, fill: () => Promise<void>): Promise<void> {
  gauge.reset();
  // A gauge without labels holds 0 once reset, which would claim an empty outbox: left out instead until filled.
  gauge.remove({});
  await fill().catch((error: unknown) => logger.warn(`${name}: ${error instanceof Error ? error.message : String(error)}`));
}

/**
 * Rows of `text`, under a statement timeout, and waited for 2 s at most: a slow database slows no
 * scrape for long, nor does one that answers nothing (its timeout is the server's), nor a pool whose
 * connections are all taken.
 */
function queried<T>(platform: Platform, text: string): Promise<T[]> {
  const rows = platform.dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL statement_timeout = ${SCRAPE_TIMEOUT_MS}`);
    return (await manager.query(text)) as T[];
  });
  return withinMs(rows, SCRAPE_TIMEOUT_MS, `PostgreSQL gave no answer in ${SCRAPE_TIMEOUT_MS} ms`);
}

/**
 * The state of the whole deployment, read when scraped (never on the hot path), each gauge from one
 * look within 2 s: task runs by status (`task_runs`, every status present, 0 when none), unpublished
 * events (`outbox`), and per durable consumer of the event stream its messages not yet delivered and
 * delivered but not acknowledged (JetStream's consumer info). Every process of a deployment answers
 * the same values: aggregate them with `max`, not `sum`. A registry of its own, one per `/metrics` server.
 */
export function deploymentMetrics(platform: Platform): Registry {
  const registry = new Registry();
  new Gauge({
    name: "tasker_runs",
    help: "Task runs by status, from the task_runs read model at scrape time.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      await filled(this, "tasker_runs", async () => {
        const rows = await queried<{ status: string; count: string }>(platform, "SELECT status, count(*) AS count FROM task_runs GROUP BY status");
        const counts = new Map(rows.map((row) => [row.status, Number(row.count)]));
        for (const status of TaskRunStatus.options) this.set({ status }, counts.get(status) ?? 0);
      });
    },
  });
  new Gauge({
    name: "tasker_outbox_events",
    help: "Committed events not yet confirmed published to JetStream (the outbox), at scrape time.",
    registers: [registry],
    async collect() {
      await filled(this, "tasker_outbox_events", async () => {
        const [row] = await queried<{ count: string }>(platform, "SELECT count(*) AS count FROM outbox");
        this.set(Number(row?.count ?? 0));
      });
    },
  });
  new Gauge({
    name: "tasker_consumer_lag_messages",
    help: "Messages of each durable consumer of the event stream: state pending (not yet delivered) or ack_pending (delivered, not acknowledged), at scrape time.",
    labelNames: ["consumer", "state"] as const,
    registers: [registry],
    async collect() {
      await filled(this, "tasker_consumer_lag_messages", () =>
        withinMs(
          (async () => {
            const jsm = await jetstreamManager(platform.nats, { checkAPI: false });
            for await (const info of jsm.consumers.list(eventStreamName(platform.config.TASKER_SUBJECT_PREFIX))) {
              this.set({ consumer: info.name, state: "pending" }, info.num_pending);
              this.set({ consumer: info.name, state: "ack_pending" }, info.num_ack_pending);
            }
          })(),
          SCRAPE_TIMEOUT_MS,
          `JetStream gave no consumer info in ${SCRAPE_TIMEOUT_MS} ms`,
        ),
      );
    },
  });
  return registry;
}
