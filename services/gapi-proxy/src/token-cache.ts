import { pooledSql, type Sql, sqlOf } from "@tasker/event-store";
import type { DataSource } from "typeorm";
import type { AccessToken } from "./google-auth.js";
import { TOKEN_LOCK_CLASS } from "./token-table.js";

/** Encrypts what is stored at rest (AES-GCM in production, from `libs/secrets`). `unseal` throws on text it did not seal. */
export interface Sealer {
  seal(text: string): string;
  unseal(text: string): string;
}

/**
 * Gets ready to mint a token for (scopes, subject), reading what it needs (the key) first, and returns
 * the mint itself: expensive (an RSA signature and a round trip), and needing no database connection.
 * The cache runs the mint inside a transaction that holds one connection: a mint that waited for
 * another one could wait forever once every connection of the pool is held so.
 */
export type TokenMinter = (scopes: readonly string[], subject: string) => Promise<() => Promise<AccessToken>>;

export interface TokenCacheOptions {
  readonly dataSource: DataSource;
  readonly sealer: Sealer;
  readonly mint: TokenMinter;
  /** A token with less than this left (ms) is replaced. */
  readonly refreshMarginMs: number;
}

/**
 * Access tokens shared by every instance over one database (`gapi_tokens`, sealed): per (scopes,
 * subject) exactly one token is minted per lifetime, and replaced once when less than the margin is
 * left. `token` throws what the minter throws.
 */
export interface TokenCache {
  token(scopes: readonly string[], subject: string): Promise<AccessToken>;
}

/** The cache key: the subject and the sorted scopes, so the same grant is one row whatever the order. */
export function tokenKey(scopes: readonly string[], subject: string): string {
  return `${subject} ${[...new Set(scopes)].sort().join(" ")}`;
}

/** A `TokenCache` (table from `ensureTokenTable`): memory first, then the table, then a mint under the key's lock. */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const memory = new Map<string, AccessToken>();
  const pending = new Map<string, Promise<AccessToken>>();
  const fresh = (token: AccessToken | undefined): token is AccessToken => token !== undefined && token.expiresAt - Date.now() > options.refreshMarginMs;
  const pooled = pooledSql(options.dataSource);

  async function load(key: string, scopes: readonly string[], subject: string): Promise<AccessToken> {
    const stored = await read(pooled, key, options.sealer);
    if (fresh(stored)) return stored;
    const mint = await options.mint(scopes, subject);
    // Another instance may be minting this key right now: wait for its lock, then read what it wrote.
    return options.dataSource.transaction(async (manager) => {
      const sql = sqlOf(manager.queryRunner!);
      await sql.rows("SELECT pg_advisory_xact_lock($1, hashtext($2))", [TOKEN_LOCK_CLASS, key]);
      const current = await read(sql, key, options.sealer);
      if (fresh(current)) return current;
      const minted = await mint();
      await sql.rows(
        `INSERT INTO gapi_tokens (key, sealed_token, expires_at_ms, minted_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (key) DO UPDATE SET sealed_token = EXCLUDED.sealed_token, expires_at_ms = EXCLUDED.expires_at_ms, minted_at = now()`,
        [key, options.sealer.seal(minted.accessToken), minted.expiresAt],
      );
      return minted;
    });
  }

  return {
    async token(scopes, subject) {
      const key = tokenKey(scopes, subject);
      const held = memory.get(key);
      if (fresh(held)) return held;
      let loading = pending.get(key);
      if (!loading) {
        loading = load(key, scopes, subject)
          .then((token) => {
            memory.set(key, token);
            return token;
          })
          .finally(() => pending.delete(key));
        pending.set(key, loading);
      }
      return loading;
    },
  };
}

async function read(sql: Sql, key: string, sealer: Sealer): Promise<AccessToken | undefined> {
  const [row] = await sql.rows<{ sealed_token: string; expires_at_ms: string }>("SELECT sealed_token, expires_at_ms FROM gapi_tokens WHERE key = $1", [key]);
  if (!row) return undefined;
  try {
    return { accessToken: sealer.unseal(row.sealed_token), expiresAt: Number(row.expires_at_ms) };
  } catch {
    // Sealed under another key (rotated): as if absent, so a new token replaces it.
    return undefined;
  }
}
