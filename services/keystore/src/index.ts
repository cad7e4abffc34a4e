import { masterKeysFrom, SecretStore } from "@tasker/secrets";
import { defineWrappedService } from "@tasker/service-kit";
import { type KeystoreClient, keystoreMethods } from "./keystore-methods.js";

export { keystoreMethods, type KeystoreClient } from "./keystore-methods.js";

/**
 * `tools.keystore`: the secrets in the `secrets` table, sealed under `TASKER_MASTER_KEY`. A task's
 * calls fail `MASTER_KEY_MISSING` while that is unset (listing works without it).
 */
export const keystoreService = defineWrappedService<KeystoreClient>({
  name: "keystore",
  service: "keystore",
  methods: keystoreMethods,
  defaults: { timeoutMs: 10_000, maxAttempts: 3 },
  async open(platform) {
    const keys = () => masterKeysFrom(platform.config);
    return { store: new SecretStore({ dataSource: platform.dataSource, keys }), keys };
  },
});
