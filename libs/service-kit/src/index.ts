export { type CallContext, type MethodHandler, methodTable, type MethodTable } from "./method-table.js";
export { ServiceCallError, type ServiceCallErrorOptions, ServiceCodes } from "./service-error.js";
export type { ServiceDefaults, WrappedService } from "./wrapped-service.js";
