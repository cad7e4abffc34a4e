import { readFile } from "node:fs/promises";
import type { RecordedEvent, TaskErrorView } from "@tasker/contracts";
import pg from "pg";
import { historyViolations } from "./history-check.js";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "./isolated-environment.js";
import { type ServiceProcess, startServiceProcess } from "./service-process.js";

/** What the HTTP API answers for a run. */
export interface RunView {
  taskRunId: string;
  taskName: string;
  status: string;
  input: unknown;
  result?: unknown;
  error?: TaskErrorView;
  logs: { at: string; level: string; message: string; stackRunId: string }[];
  waitingOn?: unknown[];
}

const TASKS = new URL("../../../tasks/", import.meta.url);

/** The processes of a whole Tasker, by label: each runs the service its label names, or the one given. */
export const DEFAULT_LAYOUT: Readonly<Record<string, string>> = {
  gateway: "gateway",
  executor: "executor",
  "stack-processor": "stack-processor",
  keystore: "keystore",
  timers: "timers",
};

/**
 * A whole Tasker on the shared servers, isolated by its own database and subject prefix: the gateway,
 * the executor(s), the stack-processor and the timers each in a process of its own, as in production. `stop()`
 * checks the history of every run the system recorded (`historyViolations`) and fails when one is wrong.
 */
export class TaskerSystem {
  readonly processes = new Map<string, ServiceProcess>();

  private constructor(
    readonly env: IsolatedEnvironment,
    private readonly settings: Record<string, string>,
    private readonly layout: Readonly<Record<string, string>>,
  ) {}

  /**
   * Starts every process of `layout` (label → service), all with `settings` as environment, on a new
   * isolated environment or on `env` (prepared, e.g. with a recorded history in its database).
   */
  static async start(
    settings: Record<string, string> = {},
    layout: Readonly<Record<string, string>> = DEFAULT_LAYOUT,
    env?: IsolatedEnvironment,
  ): Promise<TaskerSystem> {
    const system = new TaskerSystem(env ?? (await createIsolatedEnvironment()), settings, layout);
    await Promise.all(Object.keys(layout).map((label) => system.startService(label)));
    return system;
  }

  get url(): string {
    const gateway = [...this.processes.values()].find((process) => process.gatewayUrl !== undefined);
    if (!gateway) throw new Error("no gateway is running");
    return gateway.gatewayUrl!;
  }

  /** Starts the process `label` (again), running the service its layout names. */
  async startService(label: string): Promise<ServiceProcess> {
    const service = this.layout[label] ?? label;
    const process = await startServiceProcess([service], {
      DATABASE_URL: this.env.databaseUrl,
      NATS_URL: this.env.natsUrl,
      TASKER_SUBJECT_PREFIX: this.env.prefix,
      HOST: "127.0.0.1",
      PORT: "0",
      // Six processes or more per system, and test files run side by side on a server that takes
      // 100 connections: each process keeps a small pool unless a test asks for more.
      DATABASE_POOL_SIZE: "4",
      ...this.settings,
    });
    this.processes.set(label, process);
    return process;
  }

  async kill(label: string, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    await this.processes.get(label)?.kill(signal);
    this.processes.delete(label);
  }

  /** Stops every process, checks every run's history, and removes the database and the streams. */
  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((label) => this.kill(label, "SIGTERM")));
    try {
      const wrong = [...(await this.histories())].filter(([, violations]) => violations.length > 0);
      if (wrong.length > 0) {
        const report = wrong.slice(0, 5).map(([taskRunId, violations]) => `run ${taskRunId}:\n  ${violations.slice(0, 10).join("\n  ")}`);
        throw new Error(`${wrong.length} run histories are wrong:\n${report.join("\n")}`);
      }
    } finally {
      await this.env.cleanup();
    }
  }

  /** Every run the system recorded, with what `historyViolations` finds wrong with it. */
  async histories(): Promise<Map<string, string[]>> {
    const streams = new Map<string, RecordedEvent[]>();
    for (const event of await this.events("run:%")) streams.set(event.metadata.streamId, [...(streams.get(event.metadata.streamId) ?? []), event]);
    return new Map([...streams].map(([streamId, events]) => [streamId.slice("run:".length), historyViolations(events)]));
  }

  /** Rows of one SQL statement on the system's database (to look at read models such as `timers`). */
  async sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.env.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The events of the streams matching `streamIds` (a SQL LIKE pattern: `run:<taskRunId>`), in order; only type, data, stream, version and time recorded. */
  async events(streamIds: string): Promise<RecordedEvent[]> {
    const client = new pg.Client({ connectionString: this.env.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ stream_id: string; version: number; type: string; data: unknown; recorded_at: Date }>(
        `SELECT stream_id, version, type, data, recorded_at FROM events WHERE stream_id LIKE $1 ORDER BY stream_id, version`,
        [streamIds],
      );
      return rows.map(
        (row) => ({ type: row.type, data: row.data, metadata: { streamId: row.stream_id, streamVersion: row.version, recordedAt: row.recorded_at.toISOString() } }) as RecordedEvent,
      );
    } finally {
      await client.end();
    }
  }

  /** Sends an HTTP request to the gateway (`body` as JSON), with `headers` (such as `authorization`) when given. */
  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
  }

  async publish(name: string, code: string): Promise<void> {
    const { status, body } = await this.request("POST", "/task-functions", { name, code });
    if (status !== 201) throw new Error(`publishing ${name}: ${status} ${JSON.stringify(body)}`);
  }

  /** Publishes example tasks from the repository's tasks/ folder. */
  async publishExamples(...names: string[]): Promise<void> {
    for (const name of names) await this.publish(name, await readFile(new URL(`${name}.js`, TASKS), "utf8"));
  }

  async submit(taskName: string, input?: unknown, idempotencyKey?: string): Promise<string> {
    const { status, body } = await this.request<{ taskRunId: string }>("POST", "/tasks", { taskName, input, idempotencyKey });
    if (status !== 202) throw new Error(`submitting ${taskName}: ${status} ${JSON.stringify(body)}`);
    return body.taskRunId;
  }

  /** The run once it ended (or fails the test after `seconds`). */
  async result(taskRunId: string, seconds = 30): Promise<RunView> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const { body } = await this.request<RunView>("GET", `/tasks/${taskRunId}/result?wait=${Math.min(10, seconds)}`);
      if (["completed", "failed", "cancelled"].includes(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`run ${taskRunId} still ${body.status} after ${seconds} s`);
    }
  }

  async run(taskName: string, input?: unknown): Promise<RunView> {
    return this.result(await this.submit(taskName, input));
  }
}
