import { Controller, Inject } from "@nestjs/common";
import { EventPattern, Payload } from "@nestjs/microservices";
import { patterns, type RecordedEvent, type ResumeRequested, type StackCreated } from "@tasker/contracts";
import { Activator } from "./activator.js";

/** The executor's work from the bus: calls of service `tasks` to start, and resumes. */
@Controller()
export class ExecutorController {
  constructor(@Inject(Activator) private readonly activator: Activator) {}

  @EventPattern<string>(patterns.stackCreated("tasks"))
  start(@Payload() event: RecordedEvent<StackCreated>): Promise<void> {
    return this.activator.start(event);
  }

  /** Resumes of VMs this instance suspended (its own consumer, gone with the instance; the shared copy covers for it). */
  @EventPattern<string>(patterns.resumeRequested("{instance}"))
  resumeHere(@Payload() event: RecordedEvent<ResumeRequested>): Promise<void> {
    return this.activator.resume(event, true);
  }

  /** Every resume, shared by all instances: the fallback when the instance holding the VM is gone. */
  @EventPattern<string>(patterns.resumeRequested("*"))
  resumeAnywhere(@Payload() event: RecordedEvent<ResumeRequested>): Promise<void> {
    return this.activator.resume(event, false);
  }
}
