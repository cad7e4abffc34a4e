import { describe, expect, it } from "vitest";
import { tracingWanted } from "./tracing-settings.js";

describe("tracingWanted", () => {
  it("is off unless an OTLP endpoint is set", () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_SERVICE_NAME: "tasker-x", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" })).toBe(true);
  });

  it("is off with OTEL_SDK_DISABLED=true, whatever the endpoint", () => {
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "false" })).toBe(true);
  });

  it("refuses a protocol the exporters do not speak, naming the variable", () => {
    expect(() => tracingWanted({ OTEL_EXPORTER_OTLP_PROTOCOL: "http" })).toThrow("invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL: must be one of http/protobuf, http/json, grpc");
    expect(() => tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "udp" })).toThrow("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
    for (const protocol of ["http/protobuf", "http/json", "grpc"]) expect(tracingWanted({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol })).toBe(false);
  });
});
