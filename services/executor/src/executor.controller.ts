import { Controller, Inject } from "@nestjs/common";
import { Ctx, EventPattern, Payload } from "@nestjs/microservices";
import { JetStreamContext } from "@tasker/bus";
import { patterns, type RecordedEvent, type ResumeRequested, type StackCreated } from "@tasker/contracts";
import { Activator } from "./activator.js";
import { classified } from "./executor-errors.js";

/** The executor's work from the bus: calls of service `tasks` to start, and resumes. */
@Controller()
export class ExecutorController {
  constructor(@Inject(Activator) private readonly activator: Activator) {}

  @EventPattern<string>(patterns.stackCreated("tasks"))
  start(@Payload() event: RecordedEvent<StackCreated>, @Ctx() context: JetStreamContext): Promise<void> {
    return this.activator.start(event, context.getDeliveryCount()).catch(rethrowClassified);
  }

  /** Resumes of VMs this instance suspended (its own consumer, gone with the instance; the shared copy covers for it). */
  @EventPattern<string>(patterns.resumeRequested("{instance}"))
  resumeHere(@Payload() event: RecordedEvent<ResumeRequested>): Promise<void> {
    return this.activator.resume(event, true).catch(rethrowClassified);
  }

  /** Every resume, shared by all instances: the fallback when the instance holding the VM is gone. */
  @EventPattern<string>(patterns.resumeRequested("*"))
  resumeAnywhere(@Payload() event: RecordedEvent<ResumeRequested>): Promise<void> {
    return this.activator.resume(event, false).catch(rethrowClassified);
  }
}

function rethrowClassified(error: unknown): never {
  throw classified(error);
}
