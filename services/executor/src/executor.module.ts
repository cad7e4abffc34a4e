import { type DynamicModule, Module } from "@nestjs/common";
import { Activator } from "./activator.js";
import { ExecutorController } from "./executor.controller.js";

@Module({})
export class ExecutorModule {
  static register(activator: Activator): DynamicModule {
    return { module: ExecutorModule, controllers: [ExecutorController], providers: [{ provide: Activator, useValue: activator }] };
  }
}
