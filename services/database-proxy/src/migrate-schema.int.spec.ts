import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@tasker/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateSchema } from "./migrate-schema.js";

describe("migrateSchema on the real PostgreSQL", () => {
  let database: TestDatabase;
  let dir: string;
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), "migrations-"));
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies the .sql files in name order into the schema, each once, and records them", async () => {
    await writeFile(join(dir, "002_more.sql"), "ALTER TABLE items ADD COLUMN label text; INSERT INTO items (label) VALUES ('first');");
    await writeFile(join(dir, "001_items.sql"), "CREATE TABLE items (id serial PRIMARY KEY);");
    await writeFile(join(dir, "README.md"), "not a migration");
    const heard: string[] = [];
    expect(await migrateSchema(database.url, "app_data", dir, (outcome) => heard.push(outcome.name))).toEqual([
      { name: "001_items.sql", status: "applied" },
      { name: "002_more.sql", status: "applied" },
    ]);
    expect(heard).toEqual(["001_items.sql", "002_more.sql"]);
    expect(await sql("SELECT label FROM app_data.items")).toEqual([{ label: "first" }]);
    expect(await migrateSchema(database.url, "app_data", dir)).toEqual([
      { name: "001_items.sql", status: "already applied" },
      { name: "002_more.sql", status: "already applied" },
    ]);
    expect((await sql("SELECT name, length(checksum) AS n FROM app_data.tasker_migrations ORDER BY name")).map((row) => row.name)).toEqual(["001_items.sql", "002_more.sql"]);
  });

  it("refuses an applied file whose content changed, naming it", async () => {
    await writeFile(join(dir, "001_items.sql"), "CREATE TABLE items (id bigserial PRIMARY KEY);");
    await expect(migrateSchema(database.url, "app_data", dir)).rejects.toMatchObject({ file: "001_items.sql", message: expect.stringMatching(/^001_items\.sql was applied to app_data with other content/) });
    await writeFile(join(dir, "001_items.sql"), "CREATE TABLE items (id serial PRIMARY KEY);");
  });

  it("rolls a failing file back and names it with Postgres's message; the files before it stay", async () => {
    await writeFile(join(dir, "003_bad.sql"), "CREATE TABLE half (id int); SELECT * FROM missing_table;");
    await expect(migrateSchema(database.url, "app_data", dir)).rejects.toMatchObject({ file: "003_bad.sql", message: '003_bad.sql failed: relation "missing_table" does not exist' });
    expect(await sql("SELECT to_regclass('app_data.half') AS t")).toEqual([{ t: null }]);
    expect((await sql("SELECT name FROM app_data.tasker_migrations ORDER BY name")).map((row) => row.name)).toEqual(["001_items.sql", "002_more.sql"]);
    await rm(join(dir, "003_bad.sql"));
  });

  it("serialises concurrent migrates of one schema: each file is applied once", async () => {
    await writeFile(join(dir, "004_slow.sql"), "SELECT pg_sleep(0.3); INSERT INTO items (label) VALUES ('once');");
    const outcomes = await Promise.all([migrateSchema(database.url, "app_data", dir), migrateSchema(database.url, "app_data", dir), migrateSchema(database.url, "app_data", dir)]);
    expect(outcomes.map((list) => list.find((outcome) => outcome.name === "004_slow.sql")!.status).sort()).toEqual(["already applied", "already applied", "applied"]);
    expect(await sql("SELECT count(*)::int AS n FROM app_data.items WHERE label = 'once'")).toEqual([{ n: 1 }]);
  });
  it("refuses a file that is not UTF-8, naming it, before applying any file; reads past a UTF-8 byte order mark", async () => {
    const encodings = join(dir, "encodings");
    await mkdir(encodings);
    await writeFile(join(encodings, "001_bom.sql"), "\ufeffCREATE TABLE marked (id int);");
    await writeFile(join(encodings, "002_latin1.sql"), Buffer.from("COMMENT ON TABLE marked IS 'caf\xe9';", "latin1"));
    await expect(migrateSchema(database.url, "enc_data", encodings)).rejects.toMatchObject({ file: "002_latin1.sql", message: expect.stringMatching(/^002_latin1\.sql is not UTF-8 text/) });
    expect(await sql("SELECT to_regclass('enc_data.marked') AS t")).toEqual([{ t: null }]);
    await writeFile(join(encodings, "002_latin1.sql"), "COMMENT ON TABLE marked IS 'caf\u00e9';");
    expect((await migrateSchema(database.url, "enc_data", encodings)).map((outcome) => outcome.status)).toEqual(["applied", "applied"]);
    expect(await sql("SELECT obj_description('enc_data.marked'::regclass) AS comment")).toEqual([{ comment: "caf\u00e9" }]);
  });
  it("fails the file in flight by name when the server drops the connection, rather than crash", async () => {
    const dropped = await mkdtemp(join(tmpdir(), "migrations-dropped-"));
    try {
      await writeFile(join(dropped, "001_slow.sql"), "SELECT pg_sleep(10);");
      const failure = migrateSchema(database.url, "dropped_data", dropped).then(() => undefined, (error: unknown) => error);
      // The migration's backend is the one sleeping: end it as a restart or an operator would.
      for (let terminated = 0; terminated === 0; await new Promise((resolve) => setTimeout(resolve, 100))) {
        terminated = (await sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(10);'")).length;
      }
      expect(await failure).toMatchObject({ message: expect.stringMatching(/^001_slow\.sql failed: terminating connection/) });
    } finally {
      await rm(dropped, { recursive: true, force: true });
    }
  });
});
