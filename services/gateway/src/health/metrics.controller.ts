import { Controller, Get, Header, Inject } from "@nestjs/common";
import { ApiOperation, ApiProduces, ApiTags } from "@nestjs/swagger";
import { deploymentMetrics, METRICS_CONTENT_TYPE, metricsText, type Platform } from "@tasker/platform";
import { Requires } from "../auth/access.decorators.js";
import { PLATFORM } from "../platform.token.js";

/** `GET /metrics` for Prometheus: no key needed, as `/health` (counts only; no inputs, results or secrets). */
@ApiTags("health")
@Controller("metrics")
@Requires("public")
export class MetricsController {
  private readonly deployment: ReturnType<typeof deploymentMetrics>;

  constructor(@Inject(PLATFORM) platform: Platform) {
    this.deployment = deploymentMetrics(platform);
  }

  @Get()
  @Header("content-type", METRICS_CONTENT_TYPE)
  @ApiProduces(METRICS_CONTENT_TYPE)
  @ApiOperation({ summary: "This process's and the deployment's metrics in Prometheus text format (the README's Metrics section lists them)" })
  scrape(): Promise<string> {
    return metricsText(this.deployment);
  }
}
