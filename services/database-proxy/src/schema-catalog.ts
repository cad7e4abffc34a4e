import type pg from "pg";
import { CALL_RESULTS_TABLE } from "./call-results.js";

/** The table every migrated schema keeps its applied migrations in: not one of the tasks' tables. */
export const MIGRATIONS_TABLE = "tasker_migrations";

/** The tables of a schema that are Tasker's, not the tasks': a task's query never names them. */
const HIDDEN_TABLES: ReadonlySet<string> = new Set([MIGRATIONS_TABLE, CALL_RESULTS_TABLE]);

/** One table (or view) of a schema as the catalog describes it. */
export interface TableInfo {
  /** Column name → `information_schema` data type (`integer`, `jsonb`, `ARRAY`, ...). */
  readonly columns: ReadonlyMap<string, string>;
  /** The primary key's columns, in key order (empty when it has none). */
  readonly primaryKey: readonly string[];
}

type Tables = ReadonlyMap<string, TableInfo>;

const COLUMNS_SQL = `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`;
const KEYS_SQL = `SELECT k.table_name, k.column_name FROM information_schema.table_constraints c
  JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name AND k.table_name = c.table_name
  WHERE c.table_schema = $1 AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.table_name, k.ordinal_position`;

/**
 * The tables and columns of each schema, read from `information_schema` and cached; a name not in
 * the cache reads the schema's catalog again once (a table migrated since is then seen), and so does
 * `changedSince` (a column's type changed since). The only
 * names that reach SQL are names found here.
 */
export class SchemaCatalog {
  private readonly schemas = new Map<string, Promise<Tables>>();

  constructor(private readonly pool: pg.Pool) {}

  /** The table `name` of `schema`, undefined when it has none (after a fresh look). */
  async table(schema: string, name: string): Promise<TableInfo | undefined> {
    const cached = (await this.tables(schema, false)).get(name);
    if (cached) return cached;
    return (await this.tables(schema, true)).get(name);
  }

  /** `table` of `schema` once more from the catalog when it lacks a column of `names` (a column added since). */
  async withColumns(schema: string, name: string, table: TableInfo, names: Iterable<string>): Promise<TableInfo | undefined> {
    for (const column of names) if (!table.columns.has(column)) return (await this.tables(schema, true)).get(name);
    return table;
  }

  /**
   * `name` of `schema` read again from the catalog when it differs from `known` (a column added,
   * dropped or given another type since, or the table gone: `null`); undefined when it is the same.
   */
  async changedSince(schema: string, name: string, known: TableInfo): Promise<TableInfo | null | undefined> {
    const fresh = (await this.tables(schema, true)).get(name);
    if (fresh === undefined) return null;
    return sameTable(fresh, known) ? undefined : fresh;
  }

  private tables(schema: string, fresh: boolean): Promise<Tables> {
    const cached = this.schemas.get(schema);
    if (cached && !fresh) return cached;
    const loading = this.load(schema);
    this.schemas.set(schema, loading);
    // A failed read is not kept: the next call tries again.
    loading.catch(() => this.schemas.delete(schema));
    return loading;
  }

  private async load(schema: string): Promise<Tables> {
    const [columns, keys] = await Promise.all([
      this.pool.query<{ table_name: string; column_name: string; data_type: string }>(COLUMNS_SQL, [schema]),
      this.pool.query<{ table_name: string; column_name: string }>(KEYS_SQL, [schema]),
    ]);
    const tables = new Map<string, { columns: Map<string, string>; primaryKey: string[] }>();
    const entry = (name: string) => tables.get(name) ?? tables.set(name, { columns: new Map(), primaryKey: [] }).get(name)!;
    for (const row of columns.rows) if (!HIDDEN_TABLES.has(row.table_name)) entry(row.table_name).columns.set(row.column_name, row.data_type);
    for (const row of keys.rows) tables.get(row.table_name)?.primaryKey.push(row.column_name);
    return tables;
  }
}

function sameTable(a: TableInfo, b: TableInfo): boolean {
  if (a.columns.size !== b.columns.size || a.primaryKey.join(",") !== b.primaryKey.join(",")) return false;
  for (const [column, type] of a.columns) if (b.columns.get(column) !== type) return false;
  return true;
}
