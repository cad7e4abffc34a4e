import { createJetStreamMicroservice, subscribeToRunEnds } from "@tasker/bus";
import { pooledSql } from "@tasker/event-store";
import type { ServiceDefinition } from "@tasker/platform";
import { RunOrchestrator } from "./run-orchestrator.js";
import { StackProcessorModule } from "./stack-processor.module.js";
import { Watchdog } from "./watchdog/watchdog.js";

export { RunOrchestrator } from "./run-orchestrator.js";
export { Watchdog, type WatchdogOptions } from "./watchdog/watchdog.js";

const name = "stack-processor";

/**
 * Run orchestration: applies the run-model's rules to every run event (resumes, run ends, cancels),
 * and runs the stuck-run watchdog. Any number of instances share the work.
 */
export const stackProcessorService: ServiceDefinition = {
  name,
  async start(platform) {
    const { config } = platform;
    const orchestrator = new RunOrchestrator(platform.store, config.TASKER_SUBJECT_PREFIX);
    const app = await createJetStreamMicroservice(StackProcessorModule.register(orchestrator), {
      connection: platform.nats,
      prefix: config.TASKER_SUBJECT_PREFIX,
      service: name,
      maxDeliveries: config.TASKER_MAX_DELIVERIES,
      ackWaitMs: config.TASKER_ACK_WAIT_MS,
      loadEvent: (streamId, version) => platform.store.readEvent(streamId, version),
    });
    const ends = subscribeToRunEnds(platform.nats, config.TASKER_SUBJECT_PREFIX, (taskRunId) => orchestrator.runEnded(taskRunId));
    await app.listen();
    const watchdog = new Watchdog({
      sql: pooledSql(platform.dataSource),
      store: platform.store,
      nats: platform.nats,
      orchestrator,
      prefix: config.TASKER_SUBJECT_PREFIX,
      leaseMs: config.TASKER_LEASE_MS,
    });
    watchdog.start();
    return {
      name,
      async close() {
        await watchdog.stop();
        await app.close();
        ends.unsubscribe();
      },
    };
  },
};
