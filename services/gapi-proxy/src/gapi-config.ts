import { readEnvironment } from "@tasker/platform";
import { z } from "zod";

/** Google's own OAuth 2.0 token endpoint: the one google-auth-library signs its assertions for. */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

const Environment = z.object({
  /** The keystore name the service-account JSON is stored under. */
  GAPI_CREDENTIALS_KEY: z.string().min(1).default("gapi-service-account"),
  /** The admin user Admin SDK calls (and Gmail calls for `userId: "me"`) impersonate. */
  GAPI_ADMIN_SUBJECT: z.email("must be the e-mail address of a Workspace admin the service account impersonates").optional(),
  /** Where Google's APIs answer; unset, each API's own root (`https://admin.googleapis.com/`, ...). */
  GOOGLE_API_ROOT_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL like https://www.googleapis.com/" }).optional(),
  /** Where token requests go; the assertion's audience stays Google's token URL. */
  GOOGLE_TOKEN_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL like https://oauth2.googleapis.com/token" }).default(GOOGLE_TOKEN_URL),
  /** A cached token with less than this left (ms) is replaced by a new one. */
  GAPI_TOKEN_REFRESH_MARGIN_MS: z.coerce.number().int().min(0).default(5 * 60_000),
  /** How long one token request may take (ms) before it fails as a timeout. */
  GAPI_TOKEN_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
});

/** The gapi service's settings, read from the environment by `loadGapiConfig`. */
export type GapiConfig = z.infer<typeof Environment>;

/**
 * Reads and validates the gapi service's settings (empty variables count as unset); a bad value
 * throws a `ValidationError` (`INVALID_CONFIGURATION`) naming the variable and what it must be.
 */
export function loadGapiConfig(env: Record<string, string | undefined> = process.env): GapiConfig {
  return readEnvironment(Environment, env);
}
