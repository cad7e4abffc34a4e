import { generateKeyPairSync, type KeyObject, randomBytes, verify } from "node:crypto";

/** The audience Google requires in a service account's assertion. */
export const GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** A service account of the fake: its key pair and the JSON Google would issue for it. */
export interface FakeServiceAccount {
  readonly clientEmail: string;
  readonly publicKey: KeyObject;
  /** A key file like Google's (`type`, `client_email`, `private_key` as PKCS#8 PEM, ...). */
  readonly json: string;
}

/** Generates a service account with a fresh 2048-bit RSA key pair. */
export function createFakeServiceAccount(clientEmail = "tasker-gapi@tasker-test.iam.gserviceaccount.com"): FakeServiceAccount {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const json = JSON.stringify({
    type: "service_account",
    project_id: clientEmail.split("@")[1]!.split(".")[0],
    private_key_id: randomBytes(20).toString("hex"),
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    client_email: clientEmail,
    client_id: String(100_000_000_000_000_000_000n + BigInt(randomBytes(4).readUInt32BE())),
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: GOOGLE_TOKEN_AUDIENCE,
  });
  return { clientEmail, publicKey, json };
}

/** What a verified assertion grants. */
export interface AssertionClaims {
  readonly iss: string;
  readonly sub: string;
  readonly scopes: readonly string[];
}

/** An OAuth error as Google's token endpoint answers it (HTTP 400/401). */
export interface OAuthRefusal {
  readonly status: number;
  readonly error: string;
  readonly description: string;
}

/**
 * Checks an RS256 assertion as Google does: the signature against the issuer's public key, `aud`,
 * a lifetime of at most an hour around now (seconds), a scope. `sub` defaults to `iss`.
 */
export function verifyAssertion(assertion: string, accounts: ReadonlyMap<string, KeyObject>, nowSeconds: number): AssertionClaims | OAuthRefusal {
  const parts = assertion.split(".");
  if (parts.length !== 3) return refuse("invalid_request", "Invalid JWT: the assertion is not a JWS compact serialization.");
  const [head, body, signature] = parts as [string, string, string];
  let header: { alg?: unknown };
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(head, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return refuse("invalid_request", "Invalid JWT: the header or claims are not JSON.");
  }
  if (header.alg !== "RS256") return refuse("invalid_grant", "Invalid JWT: the algorithm must be RS256.");
  const key = typeof claims["iss"] === "string" ? accounts.get(claims["iss"]) : undefined;
  if (!key) return refuse("invalid_grant", "Invalid grant: account not found", 400);
  if (!verify("RSA-SHA256", Buffer.from(`${head}.${body}`), key, Buffer.from(signature, "base64url"))) {
    return refuse("invalid_grant", "Invalid JWT Signature.");
  }
  if (claims["aud"] !== GOOGLE_TOKEN_AUDIENCE) return refuse("invalid_grant", `Invalid JWT: the audience must be ${GOOGLE_TOKEN_AUDIENCE}.`);
  const { iat, exp } = claims;
  if (typeof iat !== "number" || typeof exp !== "number" || exp <= iat || exp - iat > 3600 || iat > nowSeconds + 300 || exp < nowSeconds - 300) {
    return refuse("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
  }
  const scope = claims["scope"];
  if (typeof scope !== "string" || scope.trim() === "") return refuse("invalid_scope", "Invalid oauth scope or ID token audience provided.");
  const iss = claims["iss"] as string;
  const sub = typeof claims["sub"] === "string" ? claims["sub"] : iss;
  return { iss, sub, scopes: scope.trim().split(/\s+/) };
}

function refuse(error: string, description: string, status = 400): OAuthRefusal {
  return { status, error, description };
}
