import { resolve } from "node:path";
import type { TaskerConfig } from "@tasker/platform";
import { answers } from "./embedded-nats.js";

/**
 * The database `tasker dev` uses: `DATABASE_URL` when it is set; otherwise the local PostgreSQL when
 * it answers; otherwise the embedded one (PGlite, in this process, data in `<dataDir>/pgdata`), which
 * needs no install.
 */
export async function chooseDatabase(env: Record<string, string | undefined>, config: TaskerConfig, dataDir: string): Promise<{ url: string; embedded: boolean }> {
  if (env["DATABASE_URL"] || config.DATABASE_URL.startsWith("pglite://")) {
    return { url: config.DATABASE_URL, embedded: config.DATABASE_URL.startsWith("pglite://") };
  }
  const server = new URL(config.DATABASE_URL);
  if (await answers(server.hostname, Number(server.port || 5432))) return { url: config.DATABASE_URL, embedded: false };
  return { url: `pglite://${resolve(dataDir, "pgdata")}`, embedded: true };
}
