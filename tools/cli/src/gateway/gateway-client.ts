import { CliError } from "../cli-error.js";
import { inCliTerms } from "./in-cli-terms.js";
import type {
  ApiErrorBody,
  ApiKeyList,
  ApiKeyRole,
  CancelTaskResponse,
  CreateApiKeyResponse,
  PublishTaskFunctionResponse,
  SendSignalResponse,
  SubmitTaskResponse,
  TaskFunctionList,
  TaskRunView,
} from "@tasker/contracts";

export const DEFAULT_GATEWAY_URL = "http://127.0.0.1:3000";

/**
 * The gateway answered with an HTTP error; `code` and `message` are its `{error: {code, message}}`, the
 * routes the message names put as the `tasker` commands that call them (`inCliTerms`).
 */
export class GatewayHttpError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${inCliTerms(message)}`);
  }
}

/** The gateway URL from `TASKER_URL`, without a trailing slash. */
export function gatewayUrlFrom(env: Record<string, string | undefined>): string {
  const url = env["TASKER_URL"] || DEFAULT_GATEWAY_URL;
  return url.replace(/\/+$/, "");
}

/** A secret as `GET /keys` lists it: never its value. */
export interface KeyEntry {
  readonly name: string;
  /** ISO 8601: when its value was last set. */
  readonly updatedAt: string;
}

/**
 * The bearer the CLI sends: `--api-key`, else `TASKER_API_KEY`, else `TASKER_ADMIN_TOKEN` (the
 * bootstrap admin key of `default`); undefined when none is set.
 */
export function apiKeyFrom(flag: string | undefined, env: Record<string, string | undefined>): string | undefined {
  return flag || env["TASKER_API_KEY"] || env["TASKER_ADMIN_TOKEN"] || undefined;
}

/**
 * The CLI's view of the gateway's HTTP API: one method per call, errors as `CliError`s. `apiKey` is
 * sent as `Authorization: Bearer` on every call.
 */
export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey?: string,
  ) {}

  publish(name: string, code: string): Promise<PublishTaskFunctionResponse> {
    return this.request("POST", "/task-functions", { name, code });
  }

  listFunctions(): Promise<TaskFunctionList> {
    return this.request("GET", "/task-functions");
  }

  submit(taskName: string, input: unknown): Promise<SubmitTaskResponse> {
    return this.request("POST", "/tasks", { taskName, input });
  }

  run(taskRunId: string): Promise<TaskRunView> {
    return this.request("GET", `/tasks/${encodeURIComponent(taskRunId)}`);
  }

  /** The run's state, answered as soon as the run ends, else after at most `waitSeconds`. */
  waitForResult(taskRunId: string, waitSeconds = 1): Promise<TaskRunView> {
    return this.request("GET", `/tasks/${encodeURIComponent(taskRunId)}/result?wait=${waitSeconds}`);
  }

  cancel(taskRunId: string): Promise<CancelTaskResponse> {
    return this.request("POST", `/tasks/${encodeURIComponent(taskRunId)}/cancel`);
  }

  /** Sends the run the signal `name` with `payload` (any JSON value). */
  signal(taskRunId: string, name: string, payload: unknown): Promise<SendSignalResponse> {
    return this.request("POST", `/tasks/${encodeURIComponent(taskRunId)}/signals/${encodeURIComponent(name)}`, { payload });
  }

  /** Creates or replaces the secret `name` (`PUT /keys/:name`). */
  async setKey(name: string, value: string): Promise<void> {
    await this.request("PUT", `/keys/${encodeURIComponent(name)}`, { value });
  }

  listKeys(): Promise<KeyEntry[]> {
    return this.request("GET", "/keys");
  }

  /** Deletes the secret `name`; a GatewayHttpError SECRET_NOT_FOUND when there is none. */
  async deleteKey(name: string): Promise<void> {
    await this.request("DELETE", `/keys/${encodeURIComponent(name)}`);
  }

  /** A new API key of `namespace` with `role` (`POST /auth/keys`): its id and the key, shown this once. */
  createApiKey(namespace: string, role: ApiKeyRole): Promise<CreateApiKeyResponse> {
    return this.request("POST", "/auth/keys", { namespace, role });
  }

  /** The API keys the caller may see (`GET /auth/keys`); never a key. */
  listApiKeys(): Promise<ApiKeyList> {
    return this.request("GET", "/auth/keys");
  }

  /** Revokes the API key `keyId`; a GatewayHttpError API_KEY_NOT_FOUND when there is none. */
  async revokeApiKey(keyId: string): Promise<void> {
    await this.request("DELETE", `/auth/keys/${encodeURIComponent(keyId)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new CliError(`cannot reach the gateway at ${this.baseUrl} (start it with npm start)`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const error = errorOf(parsed);
      throw new GatewayHttpError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? (text || response.statusText));
    }
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

function errorOf(body: unknown): ApiErrorBody["error"] | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = (body as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as Partial<ApiErrorBody["error"]>;
  return typeof code === "string" && typeof message === "string" ? { code, message } : undefined;
}
