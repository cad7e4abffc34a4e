import type { Platform } from "@tasker/platform";
import type { WrappedService } from "@tasker/service-kit";
import { classifyGapiError } from "./classify-gapi-error.js";
import { createGapiClient, type GapiClient, type GapiDeps } from "./gapi-client.js";
import { loadGapiConfig } from "./gapi-config.js";
import { gapiMethods } from "./gapi-methods.js";

/**
 * The `gapi` wrapped service (process `gapi-proxy`): Google Admin SDK Directory and Gmail, read-only,
 * through googleapis with domain-wide delegation. `open` reads its settings from `process.env`
 * (`loadGapiConfig`: a bad one throws naming the variable) and creates `gapi_tokens` in the platform's
 * database; the key is read through `deps.loadCredentials` only when a token must be minted.
 */
export function gapiService(deps: GapiDeps): WrappedService<GapiClient> {
  return {
    name: "gapi-proxy",
    service: "gapi",
    methods: gapiMethods,
    defaults: { timeoutMs: 30_000, maxAttempts: 5 },
    open: (platform: Platform) => createGapiClient(platform.dataSource, loadGapiConfig(), deps),
    classify: classifyGapiError,
  };
}
