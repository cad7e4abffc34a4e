import type { DynamicModule, INestMicroservice, Type } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ForwardErrorsFilter } from "./forward-errors.filter.js";
import { JetStreamTransport } from "./jetstream-transport.js";
import type { JetStreamTransportOptions } from "./jetstream-transport-options.js";

/**
 * A Nest microservice whose `@EventPattern` handlers consume from JetStream, through a transport made
 * from `options` or the one given (to read its `waitingByShare()`). Call `listen()` to start.
 */
export async function createJetStreamMicroservice(module: Type | DynamicModule, options: JetStreamTransportOptions | JetStreamTransport): Promise<INestMicroservice> {
  const strategy = options instanceof JetStreamTransport ? options : new JetStreamTransport(options);
  const app = await NestFactory.createMicroservice(module, { strategy, logger: ["error", "warn"] });
  app.useGlobalFilters(new ForwardErrorsFilter());
  return app;
}
