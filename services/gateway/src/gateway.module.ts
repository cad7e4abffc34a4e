import { type DynamicModule, Module } from "@nestjs/common";
import { APP_FILTER, APP_GUARD, APP_PIPE } from "@nestjs/core";
import { TerminusModule } from "@nestjs/terminus";
import { pooledSql } from "@tasker/event-store";
import type { Platform } from "@tasker/platform";
import { ExecutorQueues } from "./health/executor-queues.js";
import { AccessGuard } from "./auth/access.guard.js";
import { ApiKeyAdmin } from "./auth/api-key-admin.js";
import { apiKeyStoreProvider } from "./auth/api-key-store.provider.js";
import { AuthKeysController } from "./auth/auth-keys.controller.js";
import { RequestAuthenticator } from "./auth/request-authenticator.js";
import { HealthController } from "./health/health.controller.js";
import { MetricsController } from "./health/metrics.controller.js";
import { ApiExceptionFilter } from "./http/api-exception.filter.js";
import { ZodValidationPipe } from "./http/zod-validation.pipe.js";
import { KeysController } from "./keys/keys.controller.js";
import { secretStoreProvider } from "./keys/secret-store.provider.js";
import { PLATFORM, READ_MODELS } from "./platform.token.js";
import { compileWorkersProvider } from "./task-functions/compile-workers.provider.js";
import { TaskFunctionCatalog } from "./task-functions/task-function-catalog.js";
import { TaskFunctionPublisher } from "./task-functions/task-function-publisher.js";
import { TaskFunctionsController } from "./task-functions/task-functions.controller.js";
import { RunCanceller } from "./tasks/run-canceller.js";
import { RunEventFeed } from "./tasks/run-event-feed.js";
import { RunEventsController } from "./tasks/run-events.controller.js";
import { RunWaiter } from "./tasks/run-waiter.js";
import { SubmitAndWait } from "./tasks/submit-and-wait.js";
import { SignalSender } from "./tasks/signal-sender.js";
import { SignalsController } from "./tasks/signals.controller.js";
import { RunListReader } from "./tasks/run-list-reader.js";
import { RunTreeReader } from "./tasks/run-tree-reader.js";
import { TaskRunReader } from "./tasks/task-run-reader.js";
import { TaskSubmitter } from "./tasks/task-submitter.js";
import { TasksController } from "./tasks/tasks.controller.js";

/** The public HTTP API over one process's platform. */
@Module({})
export class GatewayModule {
  static register(platform: Platform): DynamicModule {
    return {
      module: GatewayModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [TaskFunctionsController, TasksController, KeysController, AuthKeysController, SignalsController, RunEventsController, HealthController, MetricsController],
      providers: [
        { provide: PLATFORM, useValue: platform },
        { provide: READ_MODELS, useValue: pooledSql(platform.dataSource) },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_GUARD, useClass: AccessGuard },
        apiKeyStoreProvider,
        RequestAuthenticator,
        ApiKeyAdmin,
        TaskFunctionPublisher,
        compileWorkersProvider,
        TaskFunctionCatalog,
        TaskSubmitter,
        TaskRunReader,
        RunListReader,
        RunTreeReader,
        RunWaiter,
        SubmitAndWait,
        RunCanceller,
        RunEventFeed,
        secretStoreProvider,
        SignalSender,
        ExecutorQueues,
      ],
    };
  }
}
