import { Controller, type DynamicModule, Module, type Type } from "@nestjs/common";
import { EventPattern, Payload } from "@nestjs/microservices";
import { patterns, type RecordedEvent, type StackCreated } from "@tasker/contracts";
import type { CallRunner } from "./call-runner.js";

/**
 * The Nest module of one wrapped service: a controller whose one handler takes the calls addressed
 * to `service` (`stack.created.<service>`, shared by every instance through one durable consumer) and
 * hands each to `runner`. Made per service: the pattern is the service's.
 */
export function callsModule(service: string, runner: CallRunner<unknown>): DynamicModule {
  @Controller()
  class CallsController {
    @EventPattern<string>(patterns.stackCreated(service))
    onCall(@Payload() event: RecordedEvent<StackCreated>): Promise<void> {
      return runner.handle(event);
    }
  }
  @Module({})
  class CallsModule {}
  return { module: CallsModule as Type, controllers: [CallsController] };
}
