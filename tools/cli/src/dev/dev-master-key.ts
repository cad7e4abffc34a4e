import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isMasterKeyText } from "@tasker/secrets";
import { CliError } from "../cli-error.js";

/** The master key `tasker dev` uses when `TASKER_MASTER_KEY` is unset. */
export interface DevMasterKey {
  /** Base64 of 32 bytes, as `TASKER_MASTER_KEY` takes it. */
  readonly key: string;
  /** The file holding it: `<dataDir>/master.key`. */
  readonly path: string;
  /** Whether this call created the file (else an earlier start did). */
  readonly created: boolean;
}

/**
 * The key in `<dataDir>/master.key`, created (32 random bytes, base64, mode 0600) when missing, so
 * that secrets set under one `tasker dev` stay readable on the next.
 * @throws CliError when the file exists but holds no valid key.
 */
export async function devMasterKey(dataDir: string): Promise<DevMasterKey> {
  const path = join(dataDir, "master.key");
  await mkdir(dataDir, { recursive: true });
  const fresh = randomBytes(32).toString("base64");
  // `wx`: two starts at once agree on one key (the loser reads the winner's).
  const created = await writeFile(path, `${fresh}\n`, { mode: 0o600, flag: "wx" }).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw new CliError(`cannot create ${path}: ${error.code ?? error.message}`);
      return false;
    },
  );
  if (created) return { key: fresh, path, created };
  const key = (await readFile(path, "utf8")).trim();
  if (!isMasterKeyText(key)) throw new CliError(`${path} does not hold a master key (base64 of 32 bytes); remove it to have a new one made, or set TASKER_MASTER_KEY`);
  return { key, path, created };
}
