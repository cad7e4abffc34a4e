import { CreateSecrets1766000000000 } from "./v1/create-secrets.js";
import { NamespacesAndApiKeys1767000000000 } from "./v2/namespaces-and-api-keys.js";

/** The secrets' and API keys' TypeORM migrations, oldest first. */
export const secretsMigrations = [CreateSecrets1766000000000, NamespacesAndApiKeys1767000000000];
