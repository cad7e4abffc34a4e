import { readFile } from "node:fs/promises";
import { createIsolatedEnvironment, type IsolatedEnvironment } from "./isolated-environment.js";
import { type ServiceProcess, startServiceProcess } from "./service-process.js";

/** What the HTTP API answers for a run. */
export interface RunView {
  taskRunId: string;
  taskName: string;
  status: string;
  input: unknown;
  result?: unknown;
  error?: { code: string; message: string };
  logs: { at: string; level: string; message: string; stackRunId: string }[];
  waitingOn?: unknown[];
}

const TASKS = new URL("../../../tasks/", import.meta.url);

/**
 * A whole Tasker on the shared servers, isolated by its own database and subject prefix: the gateway,
 * the executor and the stack-processor each in a process of its own, as in production.
 */
export class TaskerSystem {
  readonly processes = new Map<string, ServiceProcess>();

  private constructor(
    readonly env: IsolatedEnvironment,
    private readonly settings: Record<string, string>,
  ) {}

  static async start(settings: Record<string, string> = {}): Promise<TaskerSystem> {
    const system = new TaskerSystem(await createIsolatedEnvironment(), settings);
    await Promise.all(["gateway", "executor", "stack-processor"].map((name) => system.startService(name)));
    return system;
  }

  get url(): string {
    return this.processes.get("gateway")!.gatewayUrl!;
  }

  async startService(name: string): Promise<ServiceProcess> {
    const process = await startServiceProcess([name], {
      DATABASE_URL: this.env.databaseUrl,
      NATS_URL: this.env.natsUrl,
      TASKER_SUBJECT_PREFIX: this.env.prefix,
      HOST: "127.0.0.1",
      PORT: "0",
      ...this.settings,
    });
    this.processes.set(name, process);
    return process;
  }

  async kill(name: string, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    await this.processes.get(name)?.kill(signal);
    this.processes.delete(name);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((name) => this.kill(name, "SIGTERM")));
    await this.env.cleanup();
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async publish(name: string, code: string): Promise<void> {
    const { status, body } = await this.request("POST", "/task-functions", { name, code });
    if (status !== 201) throw new Error(`publishing ${name}: ${status} ${JSON.stringify(body)}`);
  }

  /** Publishes example tasks from the repository's tasks/ folder. */
  async publishExamples(...names: string[]): Promise<void> {
    for (const name of names) await this.publish(name, await readFile(new URL(`${name}.js`, TASKS), "utf8"));
  }

  async submit(taskName: string, input?: unknown): Promise<string> {
    const { status, body } = await this.request<{ taskRunId: string }>("POST", "/tasks", { taskName, input });
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
