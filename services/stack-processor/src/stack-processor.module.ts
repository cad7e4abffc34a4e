import { type DynamicModule, Module } from "@nestjs/common";
import { RunEventsController } from "./run-events.controller.js";
import { RunOrchestrator } from "./run-orchestrator.js";

@Module({})
export class StackProcessorModule {
  static register(orchestrator: RunOrchestrator): DynamicModule {
    return { module: StackProcessorModule, controllers: [RunEventsController], providers: [{ provide: RunOrchestrator, useValue: orchestrator }] };
  }
}
