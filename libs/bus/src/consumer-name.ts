/**
 * The durable consumer of one handler of one service: the same name in every instance of the
 * service, so they share the work; another service, or another pattern, gets its own.
 */
export function consumerName(service: string, pattern: string): string {
  const token = pattern.replaceAll("*", "any").replaceAll(">", "all").replace(/[^A-Za-z0-9_-]/g, "_");
  return `${service}__${token}`;
}
