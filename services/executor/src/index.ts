import { Logger } from "@nestjs/common";
import { createJetStreamMicroservice, JetStreamTransport, serveDirectStarts, subscribeToRunEnds } from "@tasker/bus";
import { TaskerError } from "@tasker/contracts";
import type { RunningService, ServiceDefinition } from "@tasker/platform";
import { RunStates } from "@tasker/run-model";
import { SandboxPool } from "@tasker/sandbox";
import { masterKeysFrom } from "@tasker/secrets";
import { Activator } from "./activator.js";
import { ExecutorModule } from "./executor.module.js";
import { LocalWork } from "./local-work.js";
import { busShareOf, namespaceOfBusShare, runNamespace } from "./shares.js";
import { addCounts, publishExecutorStats } from "./stats-publisher.js";
import { TaskCatalog } from "./task-catalog.js";
import { VmCache } from "./vm-cache.js";

export { Activator, type ActivatorStats } from "./activator.js";

const MiB = 1024 * 1024;
/** How long a resume waits for the instance that holds its VM before another instance replays it. */
const STICKY_GRACE_MS = 2000;

/** A running executor; `activator.stats` tells how its activations were served. */
export interface RunningExecutor extends RunningService {
  readonly activator: Activator;
}

/** Runs the stack runs of service `tasks` in the QuickJS sandbox; see `Activator`. */
export const executorService = {
  name: "executor",
  async start(platform): Promise<RunningExecutor> {
    const { config } = platform;
    const prefix = config.TASKER_SUBJECT_PREFIX;
    const sandbox = await SandboxPool.create({
      ...(config.TASKER_SANDBOX_WORKERS > 0 ? { workers: config.TASKER_SANDBOX_WORKERS } : {}),
      limits: { cpuMsPerActivation: config.TASKER_CPU_MS_PER_ACTIVATION, wallMsPerActivation: config.TASKER_WALL_MS_PER_ACTIVATION, stackBytes: config.TASKER_STACK_KIB * 1024 },
    });
    const loadEvent = (streamId: string, version: number) => platform.store.readEvent(streamId, version);
    const catalog = new TaskCatalog(platform.dataSource, loadEvent, (module) => sandbox.learnModule(module));
    await catalog.open(platform.nats, prefix);
    const cache = new VmCache(config.TASKER_VM_CACHE_SIZE, config.TASKER_VM_CACHE_MB * MiB);
    const logger = new Logger("executor");
    const work = new LocalWork(config.TASKER_EXECUTOR_CONCURRENCY, (error) =>
      logger.warn(`done in process, it failed and is left to the bus: ${error instanceof Error ? error.message : String(error)}`),
    );
    const keys = config.TASKER_MASTER_KEY ? masterKeysFrom(config) : undefined;
    const limits = { maxDepth: config.TASKER_MAX_DEPTH, maxPendingCalls: config.TASKER_MAX_PENDING_CALLS, maxStackRuns: config.TASKER_MAX_STACK_RUNS, maxTimerMs: config.TASKER_MAX_TIMER_MS, canSealSecrets: keys !== undefined, enforceUses: config.TASKER_ENFORCE_USES };
    const runs = new RunStates(platform.store, 1024);
    const activator = new Activator(
      platform.store,
      runs,
      sandbox,
      catalog,
      cache,
      { worker: platform.instanceId, limits, stickyGraceMs: STICKY_GRACE_MS, leaseMs: config.TASKER_LEASE_MS, prefix, keys, maxDirectStarts: config.TASKER_EXECUTOR_CONCURRENCY },
      work,
    );
    // Every instance drops the VMs of runs that ended.
    const ends = subscribeToRunEnds(platform.nats, prefix, (taskRunId) => cache.evictRun(taskRunId));
    const transport = new JetStreamTransport({
      connection: platform.nats,
      prefix,
      service: "executor",
      instance: platform.instanceId,
      maxDeliveries: config.TASKER_MAX_DELIVERIES,
      ackWaitMs: config.TASKER_ACK_WAIT_MS,
      concurrency: config.TASKER_EXECUTOR_CONCURRENCY,
      // Handlers are shared fairly between runs: one run's fan-out cannot hold them all.
      shareOf: (event) => busShareOf(event, runNamespace(event, runs)),
      loadEvent,
      // Copies of work done here already (nested starts, resumes of VMs held here) are acknowledged unread.
      handledHere: (eventId) => work.handled(eventId),
      // A call the bus gives up on is settled as failed, so that its parent can go on.
      onGiveUp: (event, error) =>
        activator.abandon(event, error).catch((failure: unknown) => {
          if (!(failure instanceof TaskerError && failure.code === "UNKNOWN_RUN")) throw failure;
          logger.error(failure.message);
        }),
    });
    const app = await createJetStreamMicroservice(ExecutorModule.register(activator), transport);
    await app.listen();
    // Submissions the gateway offers to record with their root's first activation.
    const direct = serveDirectStarts(platform.nats, prefix, (request) => activator.startSubmitted(request));
    await platform.nats.flush();
    // Waiting per namespace: messages the bus holds, nested tasks offered here, activations waiting for a worker.
    const stopStats = publishExecutorStats(platform.nats, prefix, platform.instanceId, () =>
      addCounts(
        addCounts(
          addCounts(new Map(), [...transport.waitingByShare()].map(([share, count]) => [namespaceOfBusShare(share), count])),
          work.depthByNamespace(),
        ),
        Object.entries(sandbox.stats().queuedByNamespace),
      ),
    );
    return {
      name: "executor",
      activator,
      async close() {
        stopStats();
        await direct.close();
        await app.close();
        await work.drain();
        ends.unsubscribe();
        catalog.close();
        cache.clear();
        await sandbox.close();
      },
    };
  },
} satisfies ServiceDefinition;
