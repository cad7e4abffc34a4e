import type { ServiceDefinition } from "@tasker/platform";
import { isSecretsError, masterKeysFrom, SecretStore } from "@tasker/secrets";
import { defineWrappedService, ServiceCallError } from "@tasker/service-kit";
import { openAiService } from "./openai-service.js";

/**
 * `tasker start openai-proxy`: the openai service on the kit, each namespace's API key read from its
 * keystore. A key that cannot be opened (`TASKER_MASTER_KEY` unset here, or another than it was sealed
 * under) fails the call with the secrets library's code (`MASTER_KEY_MISSING`, `UNKNOWN_MASTER_KEY`, ...).
 */
export const openAiProxyService: ServiceDefinition = {
  name: "openai-proxy",
  start(platform) {
    const secrets = new SecretStore({ dataSource: platform.dataSource, keys: () => masterKeysFrom(platform.config) });
    const service = openAiService({
      async loadKey(namespace, name) {
        try {
          return await secrets.inNamespace(namespace).get(name);
        } catch (error) {
          if (isSecretsError(error)) throw new ServiceCallError(error.code, `the OpenAI API key "${name}" of namespace ${namespace} cannot be read: ${error.message}`);
          throw error;
        }
      },
    });
    return defineWrappedService(service).start(platform);
  },
};
