import type { JsonValue } from "@tasker/contracts";
import { type MethodHandler, methodTable, type MethodTable, ServiceCallError, ServiceCodes } from "@tasker/service-kit";
import { admin, type admin_directory_v1 } from "googleapis/build/src/apis/admin/index.js";
import { gmail, type gmail_v1 } from "googleapis/build/src/apis/gmail/index.js";
import type { GapiClient } from "./gapi-client.js";
import { type GapiParams, paramsOf, resultOf } from "./gapi-params.js";
import { allGapiScopes, GapiScopes } from "./gapi-scopes.js";

/** Per-call SDK options: the attempt's signal, and no retries inside the SDK (the kit retries). */
interface CallOptions {
  readonly signal: AbortSignal;
  readonly retry: false;
}
type Answer = Promise<{ data: unknown }>;
// The SDK's parameter types are Google's names, all checked by Google itself; the task's object passes as is.
type P = never;

/** An Admin SDK Directory method: impersonates `GAPI_ADMIN_SUBJECT` with `scopes`. */
function directory(path: string, scopes: readonly string[], call: (api: admin_directory_v1.Admin, params: P, options: CallOptions) => Answer): MethodHandler<GapiClient> {
  return async (client, args, { signal }) => {
    const params = paramsOf(args, path);
    const api = admin({ version: "directory_v1", ...(await client.apiOptions(scopes, client.adminSubject(), signal)) });
    return resultOf(await call(api, params as P, { signal, retry: false }), path);
  };
}

/** A Gmail method: impersonates the mailbox's user (`userId` an e-mail address), or the admin for `"me"`. */
function mailbox(path: string, call: (api: gmail_v1.Gmail, params: P, options: CallOptions) => Answer): MethodHandler<GapiClient> {
  return async (client, args, { signal }) => {
    const params = paramsOf(args, path);
    const subject = gmailSubject(params, client, path);
    const api = gmail({ version: "v1", ...(await client.apiOptions(GapiScopes.gmail, subject, signal)) });
    return resultOf(await call(api, params as P, { signal, retry: false }), path);
  };
}

function gmailSubject(params: GapiParams, client: GapiClient, path: string): string {
  const userId = params["userId"];
  if (userId === undefined || userId === "me") return client.adminSubject();
  if (typeof userId === "string" && /^[^@\s]+@[^@\s]+$/.test(userId)) return userId;
  throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `gapi ${path}: userId must be the mailbox's e-mail address or "me"`);
}

/** `authenticate(scopes)`: obtains a token for the admin subject; answers `{authenticated, scopes, expiresAt}`, never the token. */
const authenticate: MethodHandler<GapiClient> = async (client, args, { signal }) => {
  const [wanted] = args;
  const scopes = wanted === undefined || wanted === null ? allGapiScopes : typeof wanted === "string" ? [wanted] : wanted;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((scope): scope is string => typeof scope === "string" && allGapiScopes.includes(scope))) {
    throw new ServiceCallError(ServiceCodes.INVALID_ARGUMENT, `gapi authenticate takes a scope or an array of scopes among: ${allGapiScopes.join(", ")}`);
  }
  const { expiresAt } = await client.token(scopes, client.adminSubject(), signal);
  return { authenticated: true, scopes, expiresAt: new Date(expiresAt).toISOString() } satisfies JsonValue;
};

const directoryMethods: Record<string, MethodHandler<GapiClient>> = {
  "domains.list": directory("admin.directory.domains.list", GapiScopes.directoryDomains, (api, p, o) => api.domains.list(p, o)),
  "domains.get": directory("admin.directory.domains.get", GapiScopes.directoryDomains, (api, p, o) => api.domains.get(p, o)),
  "users.list": directory("admin.directory.users.list", GapiScopes.directoryUsers, (api, p, o) => api.users.list(p, o)),
  "users.get": directory("admin.directory.users.get", GapiScopes.directoryUsers, (api, p, o) => api.users.get(p, o)),
  "groups.list": directory("admin.directory.groups.list", GapiScopes.directoryGroups, (api, p, o) => api.groups.list(p, o)),
  "groups.get": directory("admin.directory.groups.get", GapiScopes.directoryGroups, (api, p, o) => api.groups.get(p, o)),
};

const gmailMethods: Record<string, MethodHandler<GapiClient>> = {
  "users.messages.list": mailbox("gmail.users.messages.list", (api, p, o) => api.users.messages.list(p, o)),
  "users.messages.get": mailbox("gmail.users.messages.get", (api, p, o) => api.users.messages.get(p, o)),
  "users.threads.list": mailbox("gmail.users.threads.list", (api, p, o) => api.users.threads.list(p, o)),
  "users.threads.get": mailbox("gmail.users.threads.get", (api, p, o) => api.users.threads.get(p, o)),
  "users.labels.list": mailbox("gmail.users.labels.list", (api, p, o) => api.users.labels.list(p, o)),
  "users.labels.get": mailbox("gmail.users.labels.get", (api, p, o) => api.users.labels.get(p, o)),
};

const prefixed = (prefix: string, methods: Record<string, MethodHandler<GapiClient>>) =>
  Object.fromEntries(Object.entries(methods).map(([name, handler]) => [`${prefix}.${name}`, handler]));

/**
 * The Google methods tasks may call (read-only), by their googleapis path: `admin.directory.<resource>.<method>`
 * (also `admin.<resource>.<method>`, the same handler), `gmail.users.<resource>.<method>`, and `authenticate`.
 * Each takes one object of Google's parameters and answers the response body (JSON).
 */
export const gapiMethods: MethodTable<GapiClient> = methodTable<GapiClient>({
  ...prefixed("admin.directory", directoryMethods),
  ...prefixed("admin", directoryMethods),
  ...prefixed("gmail", gmailMethods),
  authenticate,
});
