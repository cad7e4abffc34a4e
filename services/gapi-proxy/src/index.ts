export { classifyGapiError } from "./classify-gapi-error.js";
export { createGapiClient, type GapiClient, type GapiDeps } from "./gapi-client.js";
export { GOOGLE_TOKEN_URL, loadGapiConfig, type GapiConfig } from "./gapi-config.js";
export { gapiMethods } from "./gapi-methods.js";
export { allGapiScopes, GapiScopes } from "./gapi-scopes.js";
export { gapiService } from "./gapi-service.js";
export type { AccessToken } from "./google-auth.js";
export type { Sealer } from "./token-cache.js";
export { gapiProxyService } from "./gapi-proxy-service.js";
