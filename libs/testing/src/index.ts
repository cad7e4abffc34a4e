export * from "./free-port.js";
export * from "./isolated-environment.js";
export * from "./nats-server-process.js";
export * from "./random-name.js";
export * from "./test-database.js";
export * from "./test-subjects.js";
export * from "./service-process.js";
export * from "./tasker-system.js";
