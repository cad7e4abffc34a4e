import { Controller, Inject } from "@nestjs/common";
import { Ctx, EventPattern, Payload } from "@nestjs/microservices";
import { JetStreamContext } from "@tasker/bus";
import { patterns, type RecordedEvent } from "@tasker/contracts";

/** What the test controller does with each message it gets, and what it saw. */
export class Behaviour {
  readonly seen: { subject: string; event: RecordedEvent; delivery: number }[] = [];
  react: (event: RecordedEvent) => Promise<void> = async () => undefined;
  private waiters: (() => void)[] = [];

  record(subject: string, event: RecordedEvent, delivery: number) {
    this.seen.push({ subject, event, delivery });
    for (const wake of this.waiters.splice(0)) wake();
  }

  async until(count: number): Promise<void> {
    while (this.seen.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

/** Handles the calls to the `gapi` service as its `Behaviour` says. */
@Controller()
export class GapiWorker {
  constructor(@Inject(Behaviour) private readonly behaviour: Behaviour) {}

  @EventPattern<string>(patterns.stackCreated("gapi"))
  async onCall(@Payload() event: RecordedEvent, @Ctx() context: JetStreamContext): Promise<void> {
    this.behaviour.record(context.getSubject(), event, context.getDeliveryCount());
    await this.behaviour.react(event);
  }
}
