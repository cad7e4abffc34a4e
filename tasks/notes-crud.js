/**
 * @task notes-crud
 * @description Creates three notes, reads them back, marks two done and deletes all three, through
 * `tools.supabase` (the task's own `notes` table: apply `tasks/migrations` with `tasker db migrate
 * tasks/migrations` first). Each run's notes carry a tag of their own, so runs do not meet.
 * @uses database:notes
 * @param {object} input - Nothing is read from it (`{}`)
 * @returns {object} `{created, read, updated, deleted}`: how many notes each step touched
 */
export default async function notesCrud(input, { tools }) {
  const notes = () => tools.supabase.from("notes");
  // Math.random is seeded per run (and replays the same): a tag no other run's notes share.
  const tag = Math.random().toString(36).slice(2, 10);
  const rows = ["groceries", "call Ada", "write report"].map((title) => ({ title: `${title} #${tag}`, tags: [tag], meta: { source: "notes-crud" } }));

  const created = check("insert", await notes().insert(rows).select("id"));
  const ids = created.map((note) => note.id);
  const read = check("select", await notes().select("id,title,done,tags").in("id", ids).order("id"));
  const updated = check("update", await notes().update({ done: true }).in("id", ids.slice(0, 2)).select("id"));
  const deleted = check("delete", await notes().delete().in("id", ids).select("id"));
  return { created: created.length, read: read.length, updated: updated.length, deleted: deleted.length };
}

/** The rows of a query's `{data, error}`, or its error thrown with Postgres's code. */
function check(step, { data, error }) {
  if (error) throw Object.assign(new Error(`${step} failed: ${error.message}`), { code: error.code });
  return data;
}
