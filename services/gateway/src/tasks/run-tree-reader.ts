import { Inject, Injectable } from "@nestjs/common";
import { runStreamId, type StackRunTreeNode } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { runTree } from "@tasker/run-model";
import { PLATFORM } from "../platform.token.js";
import { TaskRunReader } from "./task-run-reader.js";

/**
 * A run's stack runs as a tree, folded (`runTree`) from its event stream, which outlives the
 * ephemeral `stack_runs` rows; read in one namespace, as `GET /tasks/:taskRunId` is.
 */
@Injectable()
export class RunTreeReader {
  constructor(
    @Inject(PLATFORM) private readonly platform: Platform,
    private readonly runs: TaskRunReader,
  ) {}

  /** The root stack run of `taskRunId` with its calls, or undefined when `namespace` has no such run. */
  async tree(namespace: string, taskRunId: string): Promise<StackRunTreeNode | undefined> {
    if (!(await this.runs.status(namespace, taskRunId))) return undefined;
    return runTree(await this.platform.store.readStream(runStreamId(taskRunId)));
  }
}
