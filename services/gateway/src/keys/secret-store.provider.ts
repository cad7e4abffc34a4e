import type { Provider } from "@nestjs/common";
import type { Platform } from "@tasker/platform";
import { type MasterKeys, masterKeysFrom, SecretStore } from "@tasker/secrets";
import { PLATFORM } from "../platform.token.js";

/**
 * The platform's `SecretStore`. The master keys are read on first use, so a gateway without
 * `TASKER_MASTER_KEY` starts, lists and deletes, and says MASTER_KEY_MISSING where it must seal.
 */
export const secretStoreProvider: Provider = {
  provide: SecretStore,
  inject: [PLATFORM],
  useFactory: (platform: Platform) => {
    let keys: MasterKeys | undefined;
    return new SecretStore({ dataSource: platform.dataSource, keys: () => (keys ??= masterKeysFrom(platform.config)) });
  },
};
