import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeAnswer, googleError } from "./fake-google-answers.js";
import { buildDirectory, defaultGoogleDomains, type FakeDirectory, type FakeDomainSeed } from "./fake-google-data.js";
import { answerDirectory } from "./fake-google-directory.js";
import { type FakeFault, FaultPlan } from "./fake-google-faults.js";
import { answerGmail } from "./fake-google-gmail.js";
import { createFakeServiceAccount, JWT_BEARER_GRANT, verifyAssertion } from "./fake-google-token.js";

export interface FakeGoogleOptions {
  /** The tenant: domain → users (with mails) and groups. Default `defaultGoogleDomains()`. */
  readonly domains?: Record<string, FakeDomainSeed>;
  /** `expires_in` of the tokens minted, seconds. Default 3600; `setExpiresIn` changes it. */
  readonly expiresInSeconds?: number;
}

/** One token minted: for whom and what. */
export interface FakeMint {
  readonly scope: string;
  readonly sub: string;
}

/**
 * A Google stand-in on `127.0.0.1`: the OAuth token endpoint (`POST /token`, JWT bearer grant, RS256
 * verified against its own service account), Admin SDK Directory (`/admin/directory/v1/...`) and Gmail
 * (`/gmail/v1/users/...`), in Google's wire format, with injectable faults and request counters.
 */
export interface FakeGoogle {
  /** The API root, with a trailing slash (`http://127.0.0.1:port/`): googleapis' `rootUrl`. */
  readonly rootUrl: string;
  /** `POST` here for tokens. */
  readonly tokenUrl: string;
  readonly directory: FakeDirectory;
  /** The key file of the fake's one service account (its private key signs assertions the fake accepts). */
  serviceAccountJson(): string;
  /** Tokens minted since start, optionally only those whose scope and/or subject match. */
  mints(filter?: Partial<FakeMint>): number;
  setExpiresIn(seconds: number): void;
  /** Requests received whose path starts with `path` (every request when absent), faulted ones included. */
  requests(path?: string): number;
  /** The next `times` requests (default: every one) whose path starts with `path` (default: any) get `fault`. */
  inject(fault: FakeFault, target?: { path?: string; times?: number }): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface Issued {
  readonly sub: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

/** Starts a fake Google on an ephemeral port. */
export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const directory = buildDirectory(options.domains ?? defaultGoogleDomains());
  const account = createFakeServiceAccount();
  const accounts = new Map([[account.clientEmail, account.publicKey]]);
  const issued = new Map<string, Issued>();
  const minted: FakeMint[] = [];
  const seen: string[] = [];
  const faults = new FaultPlan();
  let expiresIn = options.expiresInSeconds ?? 3600;

  function token(body: string): FakeAnswer {
    const form = new URLSearchParams(body);
    if (form.get("grant_type") !== JWT_BEARER_GRANT) return oauthError(400, "unsupported_grant_type", "Invalid grant_type: " + (form.get("grant_type") ?? ""));
    const claims = verifyAssertion(form.get("assertion") ?? "", accounts, Math.floor(Date.now() / 1000));
    if ("error" in claims) return oauthError(claims.status, claims.error, claims.description);
    if (claims.sub !== claims.iss && !directory.users.some((user) => user.primaryEmail === claims.sub)) {
      return oauthError(400, "invalid_grant", "Invalid email or User ID");
    }
    const accessToken = `ya29.fake-${randomBytes(24).toString("base64url")}`;
    issued.set(accessToken, { sub: claims.sub, scopes: claims.scopes, expiresAt: Date.now() + expiresIn * 1000 });
    minted.push({ scope: claims.scopes.join(" "), sub: claims.sub });
    return { status: 200, body: { access_token: accessToken, expires_in: expiresIn, token_type: "Bearer" } };
  }

  function api(request: IncomingMessage, url: URL): FakeAnswer {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    const grant = bearer ? issued.get(bearer) : undefined;
    if (!grant || grant.expiresAt <= Date.now()) {
      return googleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "authError");
    }
    const segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
    const caller = { query: url.searchParams, sub: grant.sub, scopes: grant.scopes };
    const answer =
      request.method !== "GET"
        ? undefined
        : segments.slice(0, 3).join("/") === "admin/directory/v1"
          ? answerDirectory(directory, { ...caller, segments: segments.slice(3) })
          : segments.slice(0, 3).join("/") === "gmail/v1/users"
            ? answerGmail(directory, { ...caller, segments: segments.slice(3) })
            : undefined;
    return answer ?? googleError(404, `The requested URL ${url.pathname} was not found on this server.`, "notFound");
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://fake");
    seen.push(url.pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const fault = faults.take(url.pathname);
    if (fault?.kind === "reset") return void request.socket.destroy();
    if (fault?.kind === "delay") await faults.sleep(fault.ms);
    if (response.destroyed) return;
    if (fault?.kind === "malformed") return void response.writeHead(200, { "content-type": "application/json; charset=UTF-8" }).end('{"kind": "admin#directory#domains", "domains": [{"domainName": ');
    const answer: FakeAnswer =
      fault?.kind === "status"
        ? googleError(fault.status, fault.message ?? `Injected ${fault.status}`, fault.status === 429 ? "rateLimitExceeded" : "backendError", fault.retryAfter ? { "retry-after": fault.retryAfter } : undefined)
        : request.method === "POST" && url.pathname === "/token"
          ? token(Buffer.concat(chunks).toString("utf8"))
          : api(request, url);
    response.writeHead(answer.status, { "content-type": "application/json; charset=UTF-8", ...answer.headers }).end(JSON.stringify(answer.body));
  }

  const server = createServer((request, response) => {
    serve(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const rootUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    rootUrl,
    tokenUrl: `${rootUrl}token`,
    directory,
    serviceAccountJson: () => account.json,
    mints: (filter = {}) => minted.filter((mint) => (filter.scope === undefined || mint.scope === filter.scope) && (filter.sub === undefined || mint.sub === filter.sub)).length,
    setExpiresIn: (seconds) => void (expiresIn = seconds),
    requests: (path = "/") => seen.filter((seenPath) => seenPath.startsWith(path)).length,
    inject: (fault, target = {}) => faults.add(fault, target.path ?? "/", target.times),
    clearFaults: () => faults.clear(),
    async close() {
      faults.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function oauthError(status: number, error: string, description: string): FakeAnswer {
  return { status, body: { error, error_description: description } };
}
