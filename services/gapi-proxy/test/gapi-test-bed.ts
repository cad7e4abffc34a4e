import type { JsonValue } from "@tasker/contracts";
import { createDataSource } from "@tasker/event-store";
import type { CallContext, ServiceCallError } from "@tasker/service-kit";
import type { FakeGoogle } from "@tasker/testing";
import type { DataSource } from "typeorm";
import { classifyGapiError, createGapiClient, type GapiClient, gapiMethods, loadGapiConfig, type Sealer } from "../src/index.js";

/** Reversible and visibly not the plain text: enough to see that only sealed text reaches the table. */
export const testSealer: Sealer = {
  seal: (text) => `sealed:${Buffer.from(text).toString("base64")}`,
  unseal: (text) => {
    if (!text.startsWith("sealed:")) throw new Error("not sealed by the test sealer");
    return Buffer.from(text.slice("sealed:".length), "base64").toString();
  },
};

/** One gapi client as one process would have it: its own pool on the shared test database. */
export interface GapiInstance {
  readonly client: GapiClient;
  /** Runs the handler of `path` as the kit would, with a fresh signal unless given. */
  call(path: readonly string[], args?: JsonValue, signal?: AbortSignal): Promise<JsonValue>;
  close(): Promise<void>;
}

export async function openGapiInstance(
  databaseUrl: string,
  fake: FakeGoogle,
  options: { credentials?: string | undefined; env?: Record<string, string> } = {},
): Promise<GapiInstance> {
  const dataSource: DataSource = createDataSource({ url: databaseUrl, migrations: [], poolSize: 5 });
  await dataSource.initialize();
  const config = loadGapiConfig({
    GAPI_ADMIN_SUBJECT: fake.directory.users.find((user) => user.isAdmin)!.primaryEmail,
    GOOGLE_API_ROOT_URL: fake.rootUrl,
    GOOGLE_TOKEN_URL: fake.tokenUrl,
    ...options.env,
  });
  const credentials = "credentials" in options ? options.credentials : fake.serviceAccountJson();
  const client = await createGapiClient(dataSource, config, { loadCredentials: async () => credentials, sealer: testSealer });
  return {
    client,
    async call(path, args, signal = new AbortController().signal) {
      const handler = gapiMethods.resolve(path);
      if (!handler) throw new Error(`no gapi method ${path.join(".")}`);
      const context: CallContext = { service: "gapi", method: path, taskRunId: "task-run", namespace: "default", stackRunId: "stack-run", attempt: 1, signal };
      return handler(client, args === undefined ? [] : [args], context);
    },
    close: () => dataSource.destroy(),
  };
}

/** What a call failed with, classified as the kit does with the service's `classify` (fails the test when it did not throw). */
export async function failureOf(call: Promise<unknown>): Promise<ServiceCallError> {
  try {
    await call;
  } catch (error) {
    const classified = classifyGapiError(error);
    if (!classified) throw error;
    return classified;
  }
  throw new Error("the call succeeded");
}
