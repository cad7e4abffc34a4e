import type { Platform } from "@tasker/platform";
import { defineWrappedService, serviceSettings, type WrappedService } from "@tasker/service-kit";
import { openDatabaseClient } from "./database-client.js";
import { loadDatabaseConfig } from "./database-config.js";
import { databaseMethods } from "./database-methods.js";
import type { DatabaseClient } from "./run-query.js";

const DEFAULTS = { timeoutMs: 15_000, maxAttempts: 3 };

/**
 * The `database` wrapped service (process `database-proxy`): the tasks' own tables, in schema
 * `TASKER_DATA_SCHEMA` (and one schema per other namespace) of `TASKER_DATA_DATABASE_URL` (default
 * `DATABASE_URL`), through `tools.database`/`tools.supabase`. A bad setting throws naming the variable.
 */
export const databaseService: WrappedService<DatabaseClient> = {
  name: "database-proxy",
  service: "database",
  methods: databaseMethods,
  defaults: DEFAULTS,
  // A statement is cancelled when its attempt times out (DATABASE_TIMEOUT_MS), not left running.
  open: (platform: Platform) => openDatabaseClient(loadDatabaseConfig(platform.config.DATABASE_URL), platform.config.DATABASE_POOL_SIZE, serviceSettings("database", DEFAULTS).timeoutMs),
  close: (client) => client.pool.end(),
};

/** `tasker start database-proxy`. */
export const databaseProxyService = defineWrappedService(databaseService);
