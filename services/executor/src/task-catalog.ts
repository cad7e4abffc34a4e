import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { Logger } from "@nestjs/common";
import { decodeEventMessage } from "@tasker/bus";
import { functionKey, namespaceOf, patterns, type RecordedEvent, TaskerError } from "@tasker/contracts";
import { pooledSql, type Sql } from "@tasker/event-store";
import type { ModuleVersion } from "@tasker/sandbox";
import type { DataSource } from "typeorm";

/** Where an event sent by reference is read from: the event store. */
type LoadEvent = (streamId: string, version: number) => Promise<RecordedEvent | undefined>;

interface FunctionRow {
  namespace: string;
  name: string;
  version: string;
  code: string;
  /** Its `@uses` (`[]` for a version published before them). */
  uses: string[];
}

/** One published version of a task function: its code and its `@uses`. */
export interface PublishedVersion {
  readonly code: string;
  readonly uses: readonly string[];
}

/**
 * The published task functions as the executor needs them: the code and `@uses` of a pinned version
 * (immutable, so cached for good), and the latest version of every name (for new `tasks` calls and helper
 * modules), loaded at start and kept current from the bus's `task.published` events. Every lookup is
 * in one namespace (the run's): the same name in another namespace is another function.
 */
export class TaskCatalog {
  private readonly latest = new Map<string, { version: string; code: string; position: number }>();
  private readonly byVersion = new Map<string, PublishedVersion>();
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
            if (event.type === "task.published") this.learn({ ...event.data, namespace: namespaceOf(event.data), uses: event.data.uses ?? [] }, event.metadata.position);
          },
          (failure: unknown) => new Logger("executor").warn(`a task.published message could not be read: ${failure instanceof Error ? failure.message : String(failure)}`),
        );
      },
    });
    const rows = await this.sql.rows<FunctionRow>(
      `SELECT f.namespace, f.name, f.version, v.code, v.uses FROM task_functions f JOIN task_function_versions v USING (namespace, name, version)`,
    );
    this.learnAll(rows);
  }

  close(): void {
    this.subscription?.unsubscribe();
  }

  /** The latest version of each of `names` that is published in `namespace`, by name. */
  async latestVersions(namespace: string, names: readonly string[]): Promise<Map<string, string>> {
    const missing = names.filter((name) => !this.latest.has(functionKey(namespace, name)));
    if (missing.length > 0) await this.refresh(namespace, missing);
    const versions = new Map<string, string>();
    for (const name of names) {
      const found = this.latest.get(functionKey(namespace, name));
      if (found) versions.set(name, found.version);
    }
    return versions;
  }

  /** The code and `@uses` of `name` at `version` in `namespace`; throws a terminal TASK_NOT_FOUND when it was never published there. */
  async published(namespace: string, name: string, version: string): Promise<PublishedVersion> {
    const key = `${functionKey(namespace, name)}@${version}`;
    const cached = this.byVersion.get(key);
    if (cached !== undefined) return cached;
    const [row] = await this.sql.rows<PublishedVersion>(`SELECT code, uses FROM task_function_versions WHERE namespace = $1 AND name = $2 AND version = $3`, [
      namespace,
      name,
      version,
    ]);
    if (!row) throw new TaskerError("TASK_NOT_FOUND", `task "${name}" has no version ${version.slice(0, 12)}`, "terminal");
    this.byVersion.set(key, { code: row.code, uses: row.uses });
    return row;
  }

  /** The code of `name` at `version` in `namespace` (see `published`). */
  async code(namespace: string, name: string, version: string): Promise<string> {
    return (await this.published(namespace, name, version)).code;
  }

  /** The latest version of a module published in `namespace`, by exact name (sync: the sandbox resolves modules while running). */
  module(namespace: string, name: string): { version: string; code: string } | undefined {
    return this.latest.get(functionKey(namespace, name));
  }

  private async refresh(namespace: string, names: readonly string[]): Promise<void> {
    const rows = await this.sql.rows<FunctionRow>(
      `SELECT f.namespace, f.name, f.version, v.code, v.uses FROM task_functions f JOIN task_function_versions v USING (namespace, name, version)
       WHERE f.namespace = $1 AND f.name = ANY($2)`,
      [namespace, names],
    );
    this.learnAll(rows);
  }

  /** Rows read from the database never override what the bus told since: that is newer. */
  private learnAll(rows: readonly FunctionRow[]): void {
    for (const row of rows) if (!this.latest.has(functionKey(row.namespace, row.name))) this.learn(row, 0);
  }

  /** `position`: of the publication in the store (0: read from the read model); an older one is not learnt as the latest. */
  private learn({ namespace, name, version, code, uses }: FunctionRow, position: number): void {
    const key = functionKey(namespace, name);
    this.byVersion.set(`${key}@${version}`, { code, uses });
    const known = this.latest.get(key);
    if (known && known.position > position) return;
    this.latest.set(key, { version, code, position });
    this.onLatest({ name: key, version, code });
  }
}
