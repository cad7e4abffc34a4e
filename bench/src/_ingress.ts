import http from "node:http";
import type { RunView } from "@tasker/testing";

/**
 * The e2e benchmark's HTTP client for its workloads: `node:http` with keep-alive and no cap on sockets,
 * as the peers' Restate driver calls its ingress (`../shared/peers/restate-driver.mjs`), so that the
 * client costs Tasker what it costs the peer. `fetch` (undici), which `TaskerSystem.request` uses,
 * took 0.4–0.5 ms more per request here (W1 p50 6.0–6.5 against 5.6–6.0 ms, alternating, same system).
 */
export class Ingress {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

  constructor(private readonly url: string) {}

  /** `method path` with `body` as JSON; the status and the body parsed (undefined when empty). Rejects on a connection error. */
  request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) };
    return new Promise((resolve, reject) => {
      const request = http.request(`${this.url}${path}`, { method, agent: this.agent, headers }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, body: (text === "" ? undefined : JSON.parse(text)) as T }));
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end(payload);
    });
  }

  /** Submits a run of `taskName` and waits for its end in one request (`POST /tasks?wait=60`); throws unless it completed. */
  async submitAndWait(taskName: string, input: unknown): Promise<RunView> {
    const { status, body } = await this.request<RunView>("POST", "/tasks?wait=60", { taskName, input });
    if (status !== 200 || body.status !== "completed") throw new Error(`${taskName} ${status} ${body.status}: ${JSON.stringify(body.error)}`);
    return body;
  }

  /** Submits a run of `taskName` (`POST /tasks`), then waits for its end (`GET /tasks/:id/result?wait=60`); throws unless it completed. */
  async submitThenWait(taskName: string, input: unknown): Promise<RunView> {
    const submitted = await this.request<{ taskRunId: string }>("POST", "/tasks", { taskName, input });
    if (submitted.status !== 202) throw new Error(`submitting ${taskName}: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const { status, body } = await this.request<RunView>("GET", `/tasks/${submitted.body.taskRunId}/result?wait=60`);
    if (status !== 200 || body.status !== "completed") throw new Error(`${taskName} ${status} ${body.status}: ${JSON.stringify(body.error)}`);
    return body;
  }

  close(): void {
    this.agent.destroy();
  }
}
