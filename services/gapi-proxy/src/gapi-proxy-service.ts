import type { ServiceDefinition } from "@tasker/platform";
import { masterKeysFrom, SecretStore } from "@tasker/secrets";
import { defineWrappedService } from "@tasker/service-kit";
import { loadGapiConfig } from "./gapi-config.js";
import { gapiService } from "./gapi-service.js";

/**
 * `tasker start gapi-proxy`: the gapi service on the kit, its service-account key read from the
 * keystore (`GAPI_CREDENTIALS_KEY`) and its cached tokens sealed under the master key.
 */
export const gapiProxyService: ServiceDefinition = {
  name: "gapi-proxy",
  start(platform) {
    const keys = () => masterKeysFrom(platform.config);
    const secrets = new SecretStore({ dataSource: platform.dataSource, keys });
    const { GAPI_CREDENTIALS_KEY } = loadGapiConfig();
    const service = gapiService({
      loadCredentials: () => secrets.get(GAPI_CREDENTIALS_KEY),
      sealer: { seal: (text) => keys().seal(text), unseal: (text) => keys().unseal(text) },
    });
    return defineWrappedService(service).start(platform);
  },
};
