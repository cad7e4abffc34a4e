import type { DynamicModule, INestMicroservice, Type } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ForwardErrorsFilter } from "./forward-errors.filter.js";
import { JetStreamTransport } from "./jetstream-transport.js";
import type { JetStreamTransportOptions } from "./jetstream-transport-options.js";

/** A Nest microservice whose `@EventPattern` handlers consume from JetStream. Call `listen()` to start. */
export async function createJetStreamMicroservice(module: Type | DynamicModule, options: JetStreamTransportOptions): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module, { strategy: new JetStreamTransport(options), logger: ["error", "warn"] });
  app.useGlobalFilters(new ForwardErrorsFilter());
  return app;
}
