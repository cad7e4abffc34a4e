import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from "@nestjs/common";
import type { Subscription } from "@nats-io/nats-core";
import { functionKey, namespaceOf, patterns, type RecordedEvent, type TaskFunctionSummary, type TaskFunctionVersionSummary, type TaskFunctionVersionView } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { PLATFORM, READ_MODELS, type ReadModelsSql } from "../platform.token.js";

/**
 * The published task functions of each namespace, as the `task_functions` read model has them. The
 * current version of each is also kept in memory, learnt from the bus's `task.published` events,
 * because every submit needs it.
 */
@Injectable()
export class TaskFunctionCatalog implements OnModuleInit, OnModuleDestroy {
  private readonly versions = new Map<string, string>();
  private subscription: Subscription | undefined;

  constructor(
    @Inject(READ_MODELS) private readonly sql: ReadModelsSql,
    @Inject(PLATFORM) private readonly platform: Platform,
  ) {}

  onModuleInit(): void {
    this.subscription = this.platform.nats.subscribe(`${this.platform.config.TASKER_SUBJECT_PREFIX}.${patterns.taskPublished}`, {
      callback: (error, message) => {
        if (error) return;
        const event = JSON.parse(message.string()) as RecordedEvent;
        if (event.type === "task.published") this.learn(namespaceOf(event.data), event.data.name, event.data.version);
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** `name` of `namespace` is now at `version` (published here, or heard of on the bus). */
  learn(namespace: string, name: string, version: string): void {
    this.versions.set(functionKey(namespace, name), version);
  }

  /** The current version of every task function of `namespace`, sorted by name (byte order, as `sort()` would). */
  list(namespace: string): Promise<TaskFunctionSummary[]> {
    return this.sql.rows<TaskFunctionSummary>(`SELECT name, version, description, params, uses FROM task_functions WHERE namespace = $1 ORDER BY name COLLATE "C"`, [namespace]);
  }

  /** Every version of `name` in `namespace`, newest first (by first publication); empty when none was published there. */
  async listVersions(namespace: string, name: string): Promise<TaskFunctionVersionSummary[]> {
    const rows = await this.sql.rows<{ version: string; published_at: Date; description: string }>(
      `SELECT version, published_at, description FROM task_function_versions WHERE namespace = $1 AND name = $2 ORDER BY published_at DESC, version`,
      [namespace, name],
    );
    return rows.map((row) => ({ version: row.version, publishedAt: row.published_at.toISOString(), description: row.description }));
  }

  /** Version `version` of `name` in `namespace` with its code and JSDoc, or undefined when there is none. */
  async readVersion(namespace: string, name: string, version: string): Promise<TaskFunctionVersionView | undefined> {
    const [row] = await this.sql.rows<TaskFunctionVersionView>(
      `SELECT name, version, code, description, params, uses FROM task_function_versions WHERE namespace = $1 AND name = $2 AND version = $3`,
      [namespace, name, version],
    );
    return row;
  }

  /** The current version of `name` in `namespace`, or undefined when no such task function was published there. */
  async currentVersion(namespace: string, name: string): Promise<string | undefined> {
    const key = functionKey(namespace, name);
    const known = this.versions.get(key);
    if (known !== undefined) return known;
    const [row] = await this.sql.rows<{ version: string }>("SELECT version FROM task_functions WHERE namespace = $1 AND name = $2", [namespace, name]);
    // What the bus told meanwhile is newer than this read.
    if (row && !this.versions.has(key)) this.versions.set(key, row.version);
    return this.versions.get(key) ?? row?.version;
  }
}
