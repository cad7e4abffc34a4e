export { type CallContext, type MethodHandler, methodTable, type MethodTable } from "./method-table.js";
export { forNamespaceOnly } from "./namespace-gate.js";
export { ServiceCallError, type ServiceCallErrorOptions, ServiceCodes } from "./service-error.js";
export type { ServiceDefaults, WrappedService } from "./wrapped-service.js";
export { CallRunner, type CallRunnerOptions } from "./call-runner.js";
export { classifyError, httpError, parseRetryAfter } from "./classify-error.js";
export { defineWrappedService } from "./define-wrapped-service.js";
export { KIT_DEFAULTS, serviceSettings, settingsPrefix } from "./service-settings.js";
