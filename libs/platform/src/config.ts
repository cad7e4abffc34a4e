import { assertSubjectPrefix, DEFAULT_SUBJECT_PREFIX } from "@tasker/contracts";
import { isMasterKeyText } from "@tasker/secrets";
import { z } from "zod";
import { readEnvironment } from "./read-environment.js";

const masterKey = z.string().refine(isMasterKeyText, "must be the base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)").optional();

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** Every setting comes from an environment variable with a default; `loadConfig` validates them at start. */
const Environment = z.object({
  NATS_URL: z.string().regex(/^(nats|tls|ws|wss):\/\/\S+$/, "must be a URL like nats://127.0.0.1:4222").default("nats://127.0.0.1:4222"),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/\S+|pglite:\/\/\S*)$/, "must be a URL like postgres://user@host:5432/database, or pglite://<directory> for the embedded database")
    .default("postgres://postgres@127.0.0.1:5432/tasker"),
  DATABASE_POOL_SIZE: int(10, 1),
  TASKER_SUBJECT_PREFIX: z.string().default(DEFAULT_SUBJECT_PREFIX).refine((prefix) => /^[A-Za-z0-9_-]+$/.test(prefix), "letters, digits, '_' and '-' only"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(3000, 0).refine((port) => port <= 65535, "must be a port number"),
  /** The gateway's gRPC port; unset, the gateway serves no gRPC. 0 binds an ephemeral port. */
  GRPC_PORT: z.coerce.number().int().min(0).max(65535, "must be a port number").optional(),
  /**
   * Where a process serves `GET /health` (200 when its PostgreSQL and NATS answer, 503 otherwise), on
   * `HOST`; for the services without HTTP of their own (orchestrators' probes). Unset: none. 0: any free port.
   */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535, "must be a port number").optional(),
  /**
   * How services write their logs: `text`, human lines (`[Nest] pid - time LEVEL [context] message`);
   * `json`, one JSON object per line (`time`, `level`, `service`, `message`, `context`, and when known
   * `taskRunId`, `stackRunId`, `traceId`).
   */
  TASKER_LOG_FORMAT: z.enum(["text", "json"], "must be text or json").default("text"),
  TASKER_MAX_DELIVERIES: int(5, 1),
  /** How long a message may go unacknowledged (its handler's process died) before the bus redelivers it. */
  TASKER_ACK_WAIT_MS: int(30_000, 100),
  TASKER_VM_CACHE_SIZE: int(1000),
  TASKER_VM_CACHE_MB: int(256),
  TASKER_EXECUTOR_CONCURRENCY: int(16, 1),
  /** Worker threads that run the executor's activations (each one at a time); 0: one per core. */
  TASKER_SANDBOX_WORKERS: int(0, 0),
  TASKER_MAX_DEPTH: int(32, 1),
  TASKER_MAX_PENDING_CALLS: int(1000, 1),
  /** Calls one run may make in all; the call that would pass it fails with TOO_MANY_STACK_RUNS. */
  TASKER_MAX_STACK_RUNS: int(10_000, 1),
  /** CPU time one activation may use (the thread's, not the wall clock's); then CPU_TIME_LIMIT. */
  TASKER_CPU_MS_PER_ACTIVATION: int(1000, 1),
  /** Wall-clock time one activation may take, a backstop for time CPU accounting misses; then WALL_TIME_LIMIT. */
  TASKER_WALL_MS_PER_ACTIVATION: int(10_000, 1),
  /**
   * QuickJS's stack per VM, in KiB: about 5.7 frames of a small recursive function per KiB (368 at
   * 64); deeper recursion throws a catchable stack overflow (uncaught: STACK_LIMIT). At most 64, the whole WASM stack of the
   * QuickJS build Tasker ships.
   */
  TASKER_STACK_KIB: int(64, 8).refine((kib) => kib <= 64, "must be at most 64: the QuickJS build's WASM stack is 64 KiB"),
  TASKER_LEASE_MS: int(30_000, 1000),
  /** The longest `tools.sleep(ms)`, and the longest `timeoutMs` of a call or a run: 30 days. */
  TASKER_MAX_TIMER_MS: int(30 * 24 * 3600 * 1000, 1),
  /** Timers one timers instance fires at once. */
  TASKER_TIMER_CONCURRENCY: int(16, 1),
  /**
   * The longest pause between two looks of a timers instance for due timers, in ms: how late a timer
   * made by another process (or due at once, like `tools.sleep(0)`) may be seen.
   */
  TASKER_TIMER_POLL_MS: int(200, 1),
  /**
   * How long a timers instance's claim on a due timer keeps the others off it, in ms: how late a timer
   * claimed by an instance that died is fired by another. A claim that runs out while its timer is being
   * fired only costs a second, guarded attempt (which finds the timer fired).
   */
  TASKER_TIMER_CLAIM_MS: int(2000, 100),
  /**
   * Days after its end that an ended run is kept: then its events, outbox rows and read-model rows
   * are deleted by the timers service (hourly, and once at its start). Unset: runs are kept forever.
   */
  TASKER_RETENTION_DAYS: z.coerce.number("must be a number of days").positive("must be a positive number of days").optional(),
  /**
   * How long the gateway's check of published code (acorn's parse and QuickJS's compile, on a worker
   * thread) may take, in ms, from the moment a thread takes it; then the thread is terminated and the
   * publish answered `400 COMPILE_TIME_LIMIT`.
   */
  TASKER_COMPILE_MS: int(2000, 1),
  /** The largest HTTP request body the gateway reads; a larger one is answered 413. */
  TASKER_MAX_BODY_BYTES: int(1024 * 1024, 1),
  /**
   * `on`: the gateway (HTTP and gRPC) requires an API key (`Authorization: Bearer <key>`) on every
   * route but `/health` and `/metrics`, and a request is in its key's namespace; `off`: open, every request in
   * namespace `default` (for `tasker dev` on loopback).
   */
  TASKER_AUTH: z.enum(["off", "on"], "must be off or on").default("off"),
  /**
   * The bootstrap `admin` key of namespace `default`. With `TASKER_AUTH=off`, the token the `/keys`
   * and `/auth/keys` routes require as `Authorization: Bearer <token>`; unset, they answer loopback
   * clients only.
   */
  TASKER_ADMIN_TOKEN: z.string().optional(),
  /**
   * `true`: a task's call of a service its JSDoc does not declare (`@uses openai`, `@uses
   * keystore:<name>`...) fails at once with PERMISSION_DENIED; `false`: it is made, with a warning in
   * the run's logs.
   */
  TASKER_ENFORCE_USES: z
    .enum(["true", "false"], "must be true or false")
    .default("false")
    .transform((value) => value === "true"),
  /** Secrets are sealed under this key (base64 of 32 bytes); needed only where a secret is sealed or unsealed. */
  TASKER_MASTER_KEY: masterKey,
  /** The key secrets were sealed under before `TASKER_MASTER_KEY`: still readable, until `tasker keys rotate`. */
  TASKER_PREVIOUS_MASTER_KEY: masterKey,
});

export type TaskerConfig = z.infer<typeof Environment>;

/** Reads and validates the configuration; a bad value throws naming the variable and what it must be. */
export function loadConfig(env: Record<string, string | undefined> = process.env): TaskerConfig {
  const parsed = readEnvironment(Environment, env);
  assertSubjectPrefix(parsed.TASKER_SUBJECT_PREFIX);
  return parsed;
}
