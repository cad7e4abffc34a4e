import { DEFAULT_NAMESPACE } from "@tasker/contracts";
import type { Platform } from "@tasker/platform";
import { forNamespaceOnly, type WrappedService } from "@tasker/service-kit";
import { classifyGapiError } from "./classify-gapi-error.js";
import { createGapiClient, type GapiClient, type GapiDeps } from "./gapi-client.js";
import { loadGapiConfig } from "./gapi-config.js";
import { gapiMethods } from "./gapi-methods.js";

/**
 * The `gapi` wrapped service (process `gapi-proxy`): Google Admin SDK Directory and Gmail, read-only,
 * through googleapis with domain-wide delegation. `open` reads its settings from `process.env`
 * (`loadGapiConfig`: a bad one throws naming the variable) and creates `gapi_tokens` in the platform's
 * database; the key is read through `deps.loadCredentials` only when a token must be minted. It acts
 * with the deployment's key and admin (namespace `default`'s): runs of other namespaces are refused
 * PERMISSION_DENIED, so that no namespace borrows the operator's Google access.
 */
export function gapiService(deps: GapiDeps): WrappedService<GapiClient> {
  return {
    name: "gapi-proxy",
    service: "gapi",
    methods: forNamespaceOnly(
      gapiMethods,
      DEFAULT_NAMESPACE,
      "tools.gapi acts with the deployment's Google service account and admin (GAPI_CREDENTIALS_KEY, GAPI_ADMIN_SUBJECT), which are namespace default's",
    ),
    defaults: { timeoutMs: 30_000, maxAttempts: 5 },
    open: (platform: Platform) => createGapiClient(platform.dataSource, loadGapiConfig(), deps),
    classify: classifyGapiError,
  };
}
