import { createServer } from "node:net";
import { loadConfig } from "@tasker/platform";
import { describe, expect, it } from "vitest";
import { chooseDatabase } from "./choose-database.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the database of tasker dev", () => {
  it("is DATABASE_URL when it is set, whether it answers or not", async () => {
    const env = { DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/x` };
    expect(await chooseDatabase(env, loadConfig(env), ".tasker")).toEqual({ url: env.DATABASE_URL, embedded: false });
  });

  it("is the local PostgreSQL when it answers", async () => {
    expect(await chooseDatabase({}, loadConfig({}), ".tasker")).toEqual({ url: loadConfig({}).DATABASE_URL, embedded: false });
  });

  it("is the embedded database when no PostgreSQL answers", async () => {
    const config = { ...loadConfig({}), DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/tasker` };
    const chosen = await chooseDatabase({}, config, "/tmp/somewhere");
    expect(chosen).toEqual({ url: "pglite:///tmp/somewhere/pgdata", embedded: true });
  });
});
