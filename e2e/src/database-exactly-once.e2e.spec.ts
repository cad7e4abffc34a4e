import { DEFAULT_LAYOUT, TaskerSystem } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TIMEOUT_MS = 3_000;
/** Each trigger's sleep: under the statement timeout, and the two together past the attempt's timeout. */
const SLEEP_S = 2;

describe("database-proxy: a write whose attempt timed out after its COMMIT began is not written again by the retry", () => {
  let tasker: TaskerSystem;

  beforeAll(async () => {
    tasker = await TaskerSystem.start({ DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) }, { ...DEFAULT_LAYOUT, "database-proxy": "database-proxy" });
    // The insert takes SLEEP_S, its COMMIT SLEEP_S more (a deferred trigger): the kit gives up on the
    // attempt (TIMEOUT, retried) while the transaction is still committing — the answer is lost, the row is not.
    await tasker.sql(`CREATE SCHEMA task_data;
      CREATE TABLE task_data.slow_log (id serial PRIMARY KEY, label text NOT NULL);
      CREATE FUNCTION task_data.slowly() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(${SLEEP_S}); RETURN NEW; END $$;
      CREATE TRIGGER slow_insert BEFORE INSERT ON task_data.slow_log FOR EACH ROW EXECUTE FUNCTION task_data.slowly();
      CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON task_data.slow_log DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION task_data.slowly();`);
    await tasker.publish(
      "log-once",
      `module.exports = async (input, { tools }) => {
         const { data, error } = await tools.database.from("slow_log").insert({ label: "once" }).select("id,label").single();
         if (error) throw new Error(error.message);
         return data;
       };`,
    );
  }, 90_000);

  afterAll(async () => {
    await tasker?.stop();
  });

  it("retries the timed-out attempt, which answers the committed row: one row, the run completes with it", async () => {
    const run = await tasker.result(await tasker.submit("log-once", {}), 60);
    expect(run.status, JSON.stringify(run.error)).toBe("completed");
    const rows = await tasker.sql<{ id: number; label: string }>("SELECT id, label FROM task_data.slow_log");
    expect(rows).toEqual([{ id: expect.any(Number), label: "once" }]);
    expect(run.result).toEqual(rows[0]);
    const retried = (await tasker.events(`run:${run.taskRunId}`)).filter((event) => event.type === "stack.retrying");
    expect(retried.map((event) => (event.data as { error: { code: string } }).error.code)).toEqual(["TIMEOUT"]);
  });
});
