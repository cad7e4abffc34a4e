import { Controller, Inject } from "@nestjs/common";
import { EventPattern, Payload } from "@nestjs/microservices";
import { patterns, type RecordedEvent } from "@tasker/contracts";
import { RunOrchestrator } from "./run-orchestrator.js";

type Handled = Promise<unknown>;

/**
 * The run events that can call for a decision (see `whatWakes`), each kind shared by all
 * stack-processor instances through one durable consumer. The rest of a run's events (logs, calls,
 * resumes, the run's own life) never reach the service at all.
 */
@Controller()
export class RunEventsController {
  constructor(@Inject(RunOrchestrator) private readonly orchestrator: RunOrchestrator) {}

  @EventPattern<string>(patterns.event("stack.completed"))
  onCompleted(@Payload() event: RecordedEvent): Handled {
    return this.orchestrator.onEvent(event);
  }

  @EventPattern<string>(patterns.event("stack.failed"))
  onFailed(@Payload() event: RecordedEvent): Handled {
    return this.orchestrator.onEvent(event);
  }

  @EventPattern<string>(patterns.event("vm.suspended"))
  onSuspended(@Payload() event: RecordedEvent): Handled {
    return this.orchestrator.onEvent(event);
  }

  @EventPattern<string>(patterns.event("run.cancel-requested"))
  onCancelRequested(@Payload() event: RecordedEvent): Handled {
    return this.orchestrator.onEvent(event);
  }

  /** A signal arrived: a wait may take it. */
  @EventPattern<string>(patterns.event("signal.received"))
  onSignal(@Payload() event: RecordedEvent): Handled {
    return this.orchestrator.onEvent(event);
  }

  /** A wait for a signal was made: a signal kept for it may answer it. */
  @EventPattern<string>(patterns.stackCreated("signals"))
  onSignalWait(@Payload() event: RecordedEvent): Handled {
    return this.orchestrator.onEvent(event);
  }
}
