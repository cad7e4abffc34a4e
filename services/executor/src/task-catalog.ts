import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { Logger } from "@nestjs/common";
import { decodeEventMessage } from "@tasker/bus";
import { patterns, type RecordedEvent, TaskerError } from "@tasker/contracts";
import { pooledSql, type Sql } from "@tasker/event-store";
import type { ModuleVersion } from "@tasker/sandbox";
import type { DataSource } from "typeorm";

/** Where an event sent by reference is read from: the event store. */
type LoadEvent = (streamId: string, version: number) => Promise<RecordedEvent | undefined>;

/**
 * The published task functions as the executor needs them: the code of a pinned version (immutable,
 * so cached for good), and the latest version of every name (for new `tasks` calls and helper
 * modules), loaded at start and kept current from the bus's `task.published` events.
 */
export class TaskCatalog {
  private readonly latest = new Map<string, { version: string; code: string; position: number }>();
  private readonly codeByVersion = new Map<string, string>();
  private readonly sql: Sql;
  private subscription: Subscription | undefined;

  constructor(
    dataSource: DataSource,
    private readonly loadEvent: LoadEvent,
    /** Told each version that becomes the latest of its name (the sandbox's workers resolve modules with it). */
    private readonly onLatest: (module: ModuleVersion) => void,
  ) {
    this.sql = pooledSql(dataSource);
  }

  /** Loads every latest version and follows new publications on `<prefix>.fn.*.task.published`. */
  async open(nats: NatsConnection, prefix: string): Promise<void> {
    this.subscription = nats.subscribe(`${prefix}.${patterns.taskPublished}`, {
      callback: (error, msg) => {
        if (error) return;
        // Large code comes by reference, read from the store: publications may be learnt out of order.
        decodeEventMessage(msg, this.loadEvent).then(
          (event) => {
            if (event.type === "task.published") this.learn(event.data.name, event.data.version, event.data.code, event.metadata.position);
          },
          (failure: unknown) => new Logger("executor").warn(`a task.published message could not be read: ${failure instanceof Error ? failure.message : String(failure)}`),
        );
      },
    });
    const rows = await this.sql.rows<{ name: string; version: string; code: string }>(
      `SELECT f.name, f.version, v.code FROM task_functions f JOIN task_function_versions v USING (name, version)`,
    );
    this.learnAll(rows);
  }

  close(): void {
    this.subscription?.unsubscribe();
  }

  /** The latest version of each of `names` that is published. */
  async latestVersions(names: readonly string[]): Promise<Map<string, string>> {
    const missing = names.filter((name) => !this.latest.has(name));
    if (missing.length > 0) await this.refresh(missing);
    const versions = new Map<string, string>();
    for (const name of names) {
      const found = this.latest.get(name);
      if (found) versions.set(name, found.version);
    }
    return versions;
  }

  /** The code of `name` at `version`; throws a terminal TASK_NOT_FOUND when it was never published. */
  async code(name: string, version: string): Promise<string> {
    const key = `${name}@${version}`;
    const cached = this.codeByVersion.get(key);
    if (cached !== undefined) return cached;
    const [row] = await this.sql.rows<{ code: string }>(`SELECT code FROM task_function_versions WHERE name = $1 AND version = $2`, [name, version]);
    if (!row) throw new TaskerError("TASK_NOT_FOUND", `task "${name}" has no version ${version.slice(0, 12)}`, "terminal");
    this.codeByVersion.set(key, row.code);
    return row.code;
  }

  /** The latest version of a published module, by exact name (sync: the sandbox resolves modules while running). */
  module(name: string): { version: string; code: string } | undefined {
    return this.latest.get(name);
  }

  private async refresh(names: readonly string[]): Promise<void> {
    const rows = await this.sql.rows<{ name: string; version: string; code: string }>(
      `SELECT f.name, f.version, v.code FROM task_functions f JOIN task_function_versions v USING (name, version) WHERE f.name = ANY($1)`,
      [names],
    );
    this.learnAll(rows);
  }

  /** Rows read from the database never override what the bus told since: that is newer. */
  private learnAll(rows: readonly { name: string; version: string; code: string }[]): void {
    for (const row of rows) if (!this.latest.has(row.name)) this.learn(row.name, row.version, row.code, 0);
  }

  /** `position`: of the publication in the store (0: read from the read model); an older one is not learnt as the latest. */
  private learn(name: string, version: string, code: string, position: number): void {
    this.codeByVersion.set(`${name}@${version}`, code);
    const known = this.latest.get(name);
    if (known && known.position > position) return;
    this.latest.set(name, { version, code, position });
    this.onLatest({ name, version, code });
  }
}
