import type { IncomingMessage, Server, ServerResponse } from "node:http";

/**
 * Marks the responses under way when the server closes as the last of their connections. Without it,
 * a long request answered during the close (a `?wait=` woken by shutdown) leaves its connection open
 * until the keep-alive timeout, and `server.close()` waits that long.
 */
export function lastResponsesCloseConnections(server: Server): () => void {
  const underway = new Set<ServerResponse>();
  server.on("request", (_request: IncomingMessage, response: ServerResponse) => {
    underway.add(response);
    response.once("close", () => underway.delete(response));
  });
  return () => {
    for (const response of underway) if (!response.headersSent) response.setHeader("Connection", "close");
  };
}
