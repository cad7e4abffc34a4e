import { loadConfig } from "@tasker/platform";
import { freePort } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { chooseDatabase } from "./choose-database.js";


describe("the database of tasker dev", () => {
  it("is DATABASE_URL when it is set, whether it answers or not", async () => {
    const env = { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/x` };
    expect(await chooseDatabase(env, loadConfig(env), ".tasker")).toEqual({ url: env.DATABASE_URL, embedded: false });
  });

  it("is the local PostgreSQL when it answers", async () => {
    expect(await chooseDatabase({}, loadConfig({}), ".tasker")).toEqual({ url: loadConfig({}).DATABASE_URL, embedded: false });
  });

  it("is the embedded database when no PostgreSQL answers", async () => {
    const config = { ...loadConfig({}), DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/tasker` };
    const chosen = await chooseDatabase({}, config, "/tmp/somewhere");
    expect(chosen).toEqual({ url: "pglite:///tmp/somewhere/pgdata", embedded: true });
  });
});
