import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { TASKER_CLI, TaskerSystem } from "@tasker/testing";

const run = promisify(execFile);

/** A value no other text of the run contains. */
const SECRET = `s3cret-${randomBytes(12).toString("hex")}`;
const COPY = `${SECRET}!copy`;

const READS_SECRET = `/** @uses keystore */
module.exports = async (input, { tools }) => {
  const value = await tools.keystore.get("api-token");
  console.log("using the token " + value + " and as JSON " + JSON.stringify({ value }));
  await tools.keystore.set("api-token-copy", value + "!copy");
  // A nested call between: the VM suspends, and is resumed from the cache or replayed.
  await tools.tasks.execute("echo", { step: 1 });
  const copy = await tools.keystore.get("api-token-copy");
  tools.log("the copy is " + copy);
  let missing;
  try { await tools.keystore.get("no-such-secret"); } catch (error) { missing = { code: error.code, name: error.name }; }
  const names = await tools.keystore.list();
  return { reversed: value.split("").reverse().join(""), copyMatches: copy === value + "!copy", missing, names };
};`;

describe.each(["1000", "0"])("a secret, TASKER_VM_CACHE_SIZE %s", (cacheSize) => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ TASKER_MASTER_KEY: randomBytes(32).toString("base64"), TASKER_VM_CACHE_SIZE: cacheSize });
    await run(process.execPath, [TASKER_CLI, "keys", "set", "api-token", "--value", SECRET], { env: { ...process.env, TASKER_URL: tasker.url } });
    await tasker.publishExamples("echo");
    await tasker.publish("reads-secret", READS_SECRET);
  }, 60_000);

  afterAll(async () => {
    await tasker?.stop();
  });

  it("reaches the task, live or replayed, and appears in plaintext in no row, no message and no log line", async () => {
    const result = await tasker.run("reads-secret", {});
    expect(result.status).toBe("completed");
    expect(result.result).toEqual({
      reversed: [...SECRET].reverse().join(""),
      copyMatches: true,
      missing: { code: "SECRET_NOT_FOUND", name: "ServiceError" },
      names: ["api-token", "api-token-copy"],
    });
    expect(result.logs.map((line) => line.message)).toEqual(["using the token [redacted] and as JSON {\"value\":\"[redacted]\"}", "the copy is [redacted]"]);

    const found = [...(await inDatabase(tasker, [SECRET, COPY])), ...(await inStreams(tasker, [SECRET, COPY]))];
    for (const process of tasker.processes.values()) if (process.output().includes(SECRET)) found.push(`the output of ${process.names.join(", ")}`);
    expect(found).toEqual([]);
  });
});

/** Where `values` occur in any row of any table of the run's database. */
async function inDatabase(tasker: TaskerSystem, values: readonly string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: tasker.env.databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    const found: string[] = [];
    for (const { table_name } of tables) {
      const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${client.escapeIdentifier(table_name)} t`);
      for (const { row } of rows) for (const value of values) if (row.includes(value)) found.push(`a row of ${table_name}`);
    }
    expect(tables.map((table) => table.table_name)).toEqual(expect.arrayContaining(["events", "secrets", "task_run_logs"]));
    return found;
  } finally {
    await client.end();
  }
}

/** Where `values` occur in any message (data or headers) of any JetStream stream of the deployment. */
async function inStreams(tasker: TaskerSystem, values: readonly string[]): Promise<string[]> {
  const nats = await connect({ servers: tasker.env.natsUrl });
  try {
    const jsm = await jetstreamManager(nats);
    const found: string[] = [];
    let messages = 0;
    for await (const stream of jsm.streams.list()) {
      if (!stream.config.name.startsWith(tasker.env.prefix)) continue;
      for (let seq = stream.state.first_seq; seq <= stream.state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(stream.config.name, { seq }).catch(() => undefined);
        if (!message) continue;
        messages++;
        const text = `${new TextDecoder().decode(message.data)} ${JSON.stringify(message.header ? [...message.header] : [])}`;
        for (const value of values) if (text.includes(value)) found.push(`message ${seq} of ${stream.config.name} (${message.subject})`);
      }
    }
    expect(messages).toBeGreaterThan(10);
    return found;
  } finally {
    await nats.close();
  }
}
