import { Controller, Get, Inject, ServiceUnavailableException } from "@nestjs/common";
import { ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import { type HealthCheckResult, HealthCheckService, type HealthIndicatorFunction, HealthIndicatorService } from "@nestjs/terminus";
import { ApiErrorBody } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { Requires } from "../auth/access.decorators.js";
import { ApiError } from "../http/api-error.js";
import { PLATFORM } from "../platform.token.js";
import { checkConsumerProgress } from "./consumer-progress.js";
import { ExecutorQueues } from "./executor-queues.js";

/** How long one dependency may take to answer before it counts as down. */
const CHECK_TIMEOUT_MS = 2000;

function describeDown(result: HealthCheckResult): string {
  return Object.entries(result.error ?? {})
    .map(([name, detail]) => `${name}: ${String((detail as { message?: unknown }).message ?? "down")}`)
    .join("; ");
}

@ApiTags("health")
@Controller("health")
@Requires("public")
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PLATFORM) private readonly platform: Platform,
    @Inject(ExecutorQueues) private readonly queues: ExecutorQueues,
  ) {}

  @Get("live")
  @ApiOperation({
    summary: "Liveness: 200 whenever the gateway answers, whatever PostgreSQL, NATS and the consumers do (a restart would not bring them back: /health is for readiness)",
  })
  live(): { status: "ok"; service: "gateway" } {
    return { status: "ok", service: "gateway" };
  }

  @Get("ready")
  @ApiOperation({
    summary: "Readiness: 200 when PostgreSQL and NATS answer, 503 otherwise; unlike /health, a stalled consumer elsewhere does not take this gateway out of service (it still serves reads and accepts runs)",
  })
  @ApiResponse({ status: 503, description: "PostgreSQL or NATS does not answer", standardSchema: ApiErrorBody })
  async ready(): Promise<HealthCheckResult> {
    return this.checkAll([this.postgres, this.nats]);
  }

  @Get()
  @ApiOperation({
    summary: "200 when PostgreSQL and NATS answer and every consumer with work makes progress, 503 otherwise; `info.queues` reports the activations the executors hold and have not started, per namespace",
  })
  @ApiResponse({ status: 503, description: "a dependency does not answer, or a consumer stopped acknowledging its work", standardSchema: ApiErrorBody })
  async check(): Promise<HealthCheckResult> {
    return this.checkAll([
      this.postgres,
      this.nats,
      () => this.indicators.check("consumers").attempt(() => checkConsumerProgress(this.platform)).withTimeout(CHECK_TIMEOUT_MS),
      () => this.indicators.check("queues").up(this.queues.depths()),
    ]);
  }

  private readonly postgres: HealthIndicatorFunction = () =>
    this.indicators.check("postgres").attempt(async () => void (await this.platform.dataSource.query("SELECT 1"))).withTimeout(CHECK_TIMEOUT_MS);

  private readonly nats: HealthIndicatorFunction = () =>
    this.indicators.check("nats").attempt(async () => ({ rttMs: await this.platform.nats.rtt() })).withTimeout(CHECK_TIMEOUT_MS);

  /** Runs `checks` at once: their result, or a 503 `UNHEALTHY` naming each that is down and why. */
  private async checkAll(checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const down = describeDown(error.getResponse() as HealthCheckResult);
      throw new ApiError(503, "UNHEALTHY", `Tasker is unhealthy: ${down || "a check failed"}`);
    }
  }
}
