export { type ApiKeyRecord, ApiKeyStore, apiKeyHash } from "./api-keys/api-key-store.js";
export { isSealedEnvelope } from "./envelope.js";
export { isSecretsError, SecretsError, type SecretsErrorCode } from "./errors.js";
export { isMasterKeyText, keyIdOf, type MasterKeyEnvironment } from "./master-keys.js";
export { type MasterKeys, masterKeysFrom } from "./master-keys-sealer.js";
export { secretsMigrations } from "./migrations/index.js";
export { isSealedValue, type SealedValue, sealValue, unsealValue } from "./sealed-value.js";
export { isSecretName, MAX_SECRET_VALUE_CHARS, SECRET_NAME_RULE, SecretName, SecretValue } from "./secret-name.js";
export { type SecretEntry, SecretStore, type SecretStoreOptions } from "./secret-store.js";
