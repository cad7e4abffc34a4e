import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";
import { OAuth2Client } from "google-auth-library";
import type { DataSource } from "typeorm";
import type { GapiConfig } from "./gapi-config.js";
import { type AccessToken, mintAccessToken } from "./google-auth.js";
import { parseServiceAccount } from "./service-account.js";
import { createTokenCache, type Sealer } from "./token-cache.js";
import { ensureTokenTable } from "./token-table.js";

/** What the gapi service is given by whoever wires it: the key's source and the at-rest encryption. */
export interface GapiDeps {
  /** The service-account key JSON from the keystore (under `GAPI_CREDENTIALS_KEY`), or undefined when absent. Read at each mint, so a key set later is used. */
  loadCredentials(): Promise<string | undefined>;
  readonly sealer: Sealer;
}

/** What the gapi method handlers call: tokens and authorised SDK options, per (scopes, subject). */
export interface GapiClient {
  readonly config: GapiConfig;
  /** `GAPI_ADMIN_SUBJECT`; throws `INVALID_CONFIGURATION` (terminal) when unset. */
  adminSubject(): string;
  /** A token for (scopes, subject) from the shared cache; throws `TIMEOUT` when `signal` fires first. */
  token(scopes: readonly string[], subject: string, signal: AbortSignal): Promise<AccessToken>;
  /** googleapis options (`auth` with such a token, `rootUrl`) for one call. */
  apiOptions(scopes: readonly string[], subject: string, signal: AbortSignal): Promise<{ auth: OAuth2Client; rootUrl?: string }>;
}

/** Creates `gapi_tokens` when missing and a client over `dataSource`; instances sharing the database share tokens. */
export async function createGapiClient(dataSource: DataSource, config: GapiConfig, deps: GapiDeps): Promise<GapiClient> {
  await ensureTokenTable(dataSource);
  const cache = createTokenCache({
    dataSource,
    sealer: deps.sealer,
    refreshMarginMs: config.GAPI_TOKEN_REFRESH_MARGIN_MS,
    async mint(scopes, subject) {
      const account = parseServiceAccount(await deps.loadCredentials(), config.GAPI_CREDENTIALS_KEY);
      return () =>
        mintAccessToken(account, scopes, subject, {
          tokenUrl: config.GOOGLE_TOKEN_URL,
          timeoutMs: config.GAPI_TOKEN_TIMEOUT_MS,
          keyName: config.GAPI_CREDENTIALS_KEY,
        });
    },
  });
  const token = (scopes: readonly string[], subject: string, signal: AbortSignal) => untilAborted(cache.token(scopes, subject), signal);
  return {
    config,
    adminSubject() {
      if (config.GAPI_ADMIN_SUBJECT) return config.GAPI_ADMIN_SUBJECT;
      throw new ServiceCallError(
        "INVALID_CONFIGURATION",
        "GAPI_ADMIN_SUBJECT is not set: Admin SDK calls (and Gmail calls for userId \"me\") impersonate that Workspace admin through domain-wide delegation; set it to the admin's e-mail address",
      );
    },
    token,
    async apiOptions(scopes, subject, signal) {
      const credentials = async () => {
        const { accessToken, expiresAt } = await token(scopes, subject, signal);
        return { access_token: accessToken, expiry_date: expiresAt, token_type: "Bearer" };
      };
      const auth = new OAuth2Client();
      auth.setCredentials(await credentials());
      // The library refreshes earlier than our margin may (5 min before expiry): it asks the cache, never Google.
      auth.refreshHandler = credentials;
      return { auth, ...(config.GOOGLE_API_ROOT_URL && { rootUrl: config.GOOGLE_API_ROOT_URL }) };
    },
  };
}

/** `work`, or a `TIMEOUT` failure as soon as `signal` fires (the work itself goes on: others may share it). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  const timeout = () => new ServiceCallError(ServiceCodes.TIMEOUT, "the Google token request did not finish in the attempt's time", { retryable: true });
  if (signal.aborted) return Promise.reject(timeout());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timeout());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
