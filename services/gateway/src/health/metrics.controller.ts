import type { ServerResponse } from "node:http";
import { Controller, Get, Inject, Res } from "@nestjs/common";
import { ApiOperation, ApiProduces, ApiTags } from "@nestjs/swagger";
import { type MetricsEndpoint, metricsEndpoint, type Platform } from "@tasker/platform";
import { Requires } from "../auth/access.decorators.js";
import { PLATFORM } from "../platform.token.js";

/** `GET /metrics` for Prometheus: no key needed, as `/health` (counts only; no inputs, results or secrets). */
@ApiTags("health")
@Controller("metrics")
@Requires("public")
export class MetricsController {
  private readonly metrics: MetricsEndpoint;

  constructor(@Inject(PLATFORM) platform: Platform) {
    this.metrics = metricsEndpoint(platform);
  }

  @Get()
  @ApiProduces("text/plain")
  @ApiOperation({ summary: "This process's and the deployment's metrics in Prometheus text format (the README's section Metrics, logs and traces lists them)" })
  async scrape(@Res({ passthrough: true }) response: ServerResponse): Promise<string> {
    const text = await this.metrics.scrape();
    response.setHeader("content-type", this.metrics.contentType);
    return text;
  }
}
