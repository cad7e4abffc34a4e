import type { Provider } from "@nestjs/common";
import type { Platform } from "@tasker/platform";
import { ApiKeyStore } from "@tasker/secrets";
import { PLATFORM } from "../platform.token.js";

/** The platform's `ApiKeyStore` (`api_keys`). */
export const apiKeyStoreProvider: Provider = {
  provide: ApiKeyStore,
  inject: [PLATFORM],
  useFactory: (platform: Platform) => new ApiKeyStore(platform.dataSource),
};
