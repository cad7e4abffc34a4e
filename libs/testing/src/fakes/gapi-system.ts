import { randomBytes } from "node:crypto";
import { DEFAULT_LAYOUT, TaskerSystem } from "../tasker-system.js";
import type { FakeGoogle } from "./fake-google.js";

/** The admin the fake Google's default data makes a Workspace admin: the subject of Admin SDK calls. */
export const FAKE_GOOGLE_ADMIN = "ada@alpha.example";

/** Every service, the keystore included, with two gapi-proxy instances (`gapi-a`, `gapi-b`). */
export const GAPI_LAYOUT: Readonly<Record<string, string>> = { ...DEFAULT_LAYOUT, "gapi-a": "gapi-proxy", "gapi-b": "gapi-proxy" };

/**
 * A task making the gapi calls of its input (`{calls: [[path, args], ...]}`) at once: per call
 * `{ok: true, data}` or `{ok: false, code, message}`.
 */
export const GAPI_CALLS_TASK = `module.exports = async (input) => Promise.all(input.calls.map(async ([path, args]) => {
  try {
    return { ok: true, data: await __callHostTool__("gapi", path, [args]) };
  } catch (error) {
    return { ok: false, code: error.code, message: error.message };
  }
}));`;

/**
 * A whole Tasker (`layout`, every service its own process) whose gapi-proxy talks to `google`, with a
 * master key, the fake's service-account key in the keystore, and `settings` over those.
 */
export async function startGapiSystem(google: FakeGoogle, settings: Record<string, string> = {}, layout = GAPI_LAYOUT): Promise<TaskerSystem> {
  const tasker = await TaskerSystem.start(
    {
      TASKER_MASTER_KEY: randomBytes(32).toString("base64"),
      GOOGLE_API_ROOT_URL: google.rootUrl,
      GOOGLE_TOKEN_URL: google.tokenUrl,
      GAPI_ADMIN_SUBJECT: FAKE_GOOGLE_ADMIN,
      ...settings,
    },
    layout,
  );
  const { status } = await tasker.request("PUT", "/keys/gapi-service-account", { value: google.serviceAccountJson() });
  if (status !== 204) {
    await tasker.stop();
    throw new Error(`storing the fake's service-account key answered ${status}`);
  }
  return tasker;
}
