import { ServiceCallError, ServiceCodes } from "@tasker/service-kit";
import { JWT } from "google-auth-library";
import { classifyGapiError } from "./classify-gapi-error.js";
import { GOOGLE_TOKEN_URL } from "./gapi-config.js";
import { googleErrorOf } from "./google-error-body.js";
import type { ServiceAccount } from "./service-account.js";

/** An access token and when it expires (epoch ms). */
export interface AccessToken {
  readonly accessToken: string;
  readonly expiresAt: number;
}

export interface MintOptions {
  /** Where the token request goes (Google's, or a stand-in): the assertion's `aud` stays Google's. */
  readonly tokenUrl: string;
  /** The token request's time limit, ms. */
  readonly timeoutMs: number;
  /** The keystore name of the key, for error messages. */
  readonly keyName: string;
}

/**
 * Signs a JWT assertion for (scopes, subject) with the service account's key and exchanges it for an
 * access token (google-auth-library's `JWT` client; the library does not retry: the kit does).
 * Throws a `ServiceCallError`: `PERMISSION_DENIED` when Google refuses the grant (unknown client,
 * wrong key, delegation not granted: Google's own description in the message), `INVALID_ARGUMENT`
 * when the key cannot sign, else as `classifyGapiError` (429, 5xx, network, timeout).
 */
export async function mintAccessToken(account: ServiceAccount, scopes: readonly string[], subject: string, options: MintOptions): Promise<AccessToken> {
  const jwt = new JWT({
    email: account.clientEmail,
    key: account.privateKey,
    scopes: [...scopes],
    subject,
    transporterOptions: { timeout: options.timeoutMs },
  });
  // The library fixes its token endpoint in code; its transport is where the request can be redirected.
  jwt.transporter.interceptors.request.add({
    resolved: async (config) => {
      if (config.url.href === GOOGLE_TOKEN_URL) {
        config.url = new URL(options.tokenUrl);
        config.retryConfig = { ...config.retryConfig, retry: 0 };
      }
      return config;
    },
  });
  let credentials;
  try {
    credentials = await jwt.authorize();
  } catch (error) {
    throw classifyTokenError(error, options.keyName);
  }
  if (typeof credentials.access_token !== "string" || typeof credentials.expiry_date !== "number") {
    throw new ServiceCallError(ServiceCodes.UPSTREAM_FORMAT, "Google's token endpoint answered without an access_token and expires_in");
  }
  return { accessToken: credentials.access_token, expiresAt: credentials.expiry_date };
}

function classifyTokenError(error: unknown, keyName: string): ServiceCallError {
  const response = (error as { response?: { status?: unknown; data?: unknown } } | null)?.response;
  const status = typeof response?.status === "number" ? response.status : undefined;
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    const google = googleErrorOf(response?.data);
    return new ServiceCallError(
      ServiceCodes.PERMISSION_DENIED,
      `Google refused the service account's token request (${status})${google.message ? `: ${google.message}` : ""}; check the key under "${keyName}" and its domain-wide delegation`,
      { status, ...(google.reason && { details: { reason: google.reason } }) },
    );
  }
  const classified = classifyGapiError(error);
  if (classified) return classified;
  // No answer and no network failure: the assertion was never sent, so the key could not sign it.
  return new ServiceCallError(
    ServiceCodes.INVALID_ARGUMENT,
    `the private key of the Google service-account key under "${keyName}" cannot sign a token: store the JSON key file Google issued`,
  );
}
