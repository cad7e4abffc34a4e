import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMasterKeyText } from "@tasker/secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devMasterKey } from "./dev-master-key.js";

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tasker-dev-key-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("devMasterKey", () => {
  it("creates <dataDir>/master.key (32 random bytes, base64, mode 0600), then reuses it", async () => {
    const dataDir = join(scratch, ".tasker");
    const first = await devMasterKey(dataDir);
    expect(first).toMatchObject({ path: join(dataDir, "master.key"), created: true });
    expect(isMasterKeyText(first.key)).toBe(true);
    expect(Buffer.from(first.key, "base64")).toHaveLength(32);
    expect((await readFile(first.path, "utf8")).trim()).toBe(first.key);
    expect((await stat(first.path)).mode & 0o777).toBe(0o600);
    expect(await devMasterKey(dataDir)).toEqual({ ...first, created: false });
  });

  it("refuses a file that holds no key, naming it", async () => {
    const dataDir = join(scratch, "broken");
    await devMasterKey(dataDir);
    await writeFile(join(dataDir, "master.key"), "not a key");
    await expect(devMasterKey(dataDir)).rejects.toThrow(/broken\/master\.key does not hold a master key/);
  });
});
