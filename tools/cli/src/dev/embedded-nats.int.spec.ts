import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, TEST_NATS_URL } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answers, ensureNats } from "./embedded-nats.js";

let dataDir: string;


beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tasker-dev-"));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("the embedded NATS of tasker dev", () => {
  it("leaves a NATS that answers alone", async () => {
    expect(await ensureNats(TEST_NATS_URL, dataDir)).toBeUndefined();
  });

  it("starts nats-server with JetStream on a local address that does not answer, and stops it", async () => {
    const port = await freePort();
    const server = await ensureNats(`nats://127.0.0.1:${port}`, dataDir);
    try {
      expect(server?.pid).toBeGreaterThan(0);
      expect(await answers("127.0.0.1", port)).toBe(true);
      expect(await readdir(join(dataDir, "nats"))).toContain("jetstream");
    } finally {
      await server?.stop();
    }
    expect(await answers("127.0.0.1", port)).toBe(false);
  });

  it("says how to install nats-server when the binary is missing", async () => {
    const path = process.env["PATH"];
    process.env["PATH"] = dataDir;
    try {
      await expect(ensureNats(`nats://127.0.0.1:${await freePort()}`, dataDir)).rejects.toThrow(/apt-get install nats-server/);
    } finally {
      process.env["PATH"] = path;
    }
  });
});
