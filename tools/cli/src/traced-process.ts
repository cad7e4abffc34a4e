/**
 * The name `tasker <args>` traces under (`tasker-<name>`, unless `OTEL_SERVICE_NAME` is set): `dev`
 * for `tasker dev`, the services joined by `-` for `tasker start <service...>`; undefined for the
 * commands that run no service, which do not trace.
 */
export function tracedProcessName(args: readonly string[]): string | undefined {
  const [command, ...rest] = args;
  if (command === "dev") return "dev";
  if (command !== "start") return undefined;
  const services = rest.filter((arg) => !arg.startsWith("-"));
  return services.length > 0 ? services.join("-") : undefined;
}
