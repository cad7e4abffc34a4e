/**
 * `sql` with each `[from, to]` replaced once, for a migration that writes its apply function as the
 * previous one's text with edits (so that what it changes is all in one place); an edit that finds
 * nothing is a bug in the migration (`migration` names it), and fails at load.
 */
export function amendedSql(migration: string, sql: string, edits: readonly (readonly [string, string])[]): string {
  return edits.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`read-models ${migration}: the apply function it amends has no ${JSON.stringify(from)}`);
    return text.replace(from, to);
  }, sql);
}
