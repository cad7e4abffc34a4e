import { createJetStreamMicroservice } from "@tasker/bus";
import type { StackCreated, RecordedEvent } from "@tasker/contracts";
import type { ServiceDefinition } from "@tasker/platform";
import { RunStates } from "@tasker/run-model";
import { CallRunner } from "./call-runner.js";
import { callsModule } from "./calls-controller.js";
import { serviceSettings } from "./service-settings.js";
import { TokenBucket } from "./token-bucket.js";
import type { WrappedService } from "./wrapped-service.js";

/**
 * The `ServiceDefinition` (`tasker start <name>`) of a wrapped service: opens its client, reads its
 * settings (`serviceSettings`), and consumes its calls with a `CallRunner`. A message the bus gives
 * up on settles its call as failed with the bus's code. Each retry of a call comes back as a later
 * delivery, so the consumer allows the service's attempts on top of `TASKER_MAX_DELIVERIES`.
 */
export function defineWrappedService<Client>(spec: WrappedService<Client>): ServiceDefinition {
  return {
    name: spec.name,
    async start(platform) {
      const { config } = platform;
      const settings = serviceSettings(spec.service, spec.defaults);
      const client = await spec.open(platform);
      const runner = new CallRunner({
        store: platform.store,
        runs: new RunStates(platform.store, 1024),
        spec,
        client,
        settings,
        bucket: new TokenBucket(settings.ratePerSecond),
        worker: platform.instanceId,
        prefix: config.TASKER_SUBJECT_PREFIX,
      });
      const app = await createJetStreamMicroservice(callsModule(spec.service, runner as CallRunner<unknown>), {
        connection: platform.nats,
        prefix: config.TASKER_SUBJECT_PREFIX,
        service: spec.name,
        maxDeliveries: config.TASKER_MAX_DELIVERIES + settings.maxAttempts,
        ackWaitMs: config.TASKER_ACK_WAIT_MS,
        concurrency: settings.concurrency,
        loadEvent: (streamId, version) => platform.store.readEvent(streamId, version),
        onGiveUp: (event, error) => runner.abandon(event as RecordedEvent<StackCreated>, error.code, error.message),
      });
      await app.listen();
      return {
        name: spec.name,
        async close() {
          await app.close();
          await spec.close?.(client);
        },
      };
    },
  };
}
