import type { ServiceDefinition } from "@tasker/platform";
import { defineWrappedService } from "@tasker/service-kit";
import { websearchService } from "./websearch-service.js";

/** `tasker start websearch-proxy`: the websearch service on the kit. */
export const websearchProxyService: ServiceDefinition = defineWrappedService(websearchService);
