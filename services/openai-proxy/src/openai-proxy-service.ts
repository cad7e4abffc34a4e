import type { ServiceDefinition } from "@tasker/platform";
import { masterKeysFrom, SecretStore } from "@tasker/secrets";
import { defineWrappedService } from "@tasker/service-kit";
import { openAiService } from "./openai-service.js";

/** `tasker start openai-proxy`: the openai service on the kit, each namespace's API key read from its keystore. */
export const openAiProxyService: ServiceDefinition = {
  name: "openai-proxy",
  start(platform) {
    const secrets = new SecretStore({ dataSource: platform.dataSource, keys: () => masterKeysFrom(platform.config) });
    const service = openAiService({ loadKey: (namespace, name) => secrets.inNamespace(namespace).get(name) });
    return defineWrappedService(service).start(platform);
  },
};
