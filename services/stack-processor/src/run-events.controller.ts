import { Controller, Inject } from "@nestjs/common";
import { EventPattern, Payload } from "@nestjs/microservices";
import { patterns, type RecordedEvent } from "@tasker/contracts";
import { RunOrchestrator } from "./run-orchestrator.js";

/** Every run event, shared by all stack-processor instances (one durable consumer). */
@Controller()
export class RunEventsController {
  constructor(@Inject(RunOrchestrator) private readonly orchestrator: RunOrchestrator) {}

  @EventPattern<string>(patterns.allRunEvents)
  async onRunEvent(@Payload() event: RecordedEvent): Promise<void> {
    await this.orchestrator.onEvent(event);
  }
}
