import type { JsMsg } from "@nats-io/jetstream";
import { BaseRpcContext } from "@nestjs/microservices";

/** What a handler may ask of the message it is handling (`@Ctx() context: JetStreamContext`). */
export class JetStreamContext extends BaseRpcContext<[JsMsg]> {
  getMessage(): JsMsg {
    return this.args[0];
  }

  getSubject(): string {
    return this.args[0].subject;
  }

  /** 1 on the first delivery; the transport's retries in process (after a transient failure) keep it. */
  getDeliveryCount(): number {
    return this.args[0].info.deliveryCount;
  }
}
