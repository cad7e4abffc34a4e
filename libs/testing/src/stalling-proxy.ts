import { createServer, type Server, type Socket, connect } from "node:net";

/** A TCP proxy to a server that can be made to stall: connected, but answering nothing. */
export interface StallingProxy {
  /** `127.0.0.1:<port>`: where clients connect instead of the server. */
  readonly address: string;
  /** From now on nothing passes, either way, on any connection (new ones are accepted); held until `resume`. */
  stall(): void;
  /** Passes again what was held, and whatever comes next. */
  resume(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free port of 127.0.0.1 to `host:port`. */
export async function startStallingProxy(host: string, port: number): Promise<StallingProxy> {
  let stalled = false;
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const relay = (from: Socket, to: Socket) =>
    from.on("data", (chunk) => {
      if (stalled) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket)).on("error", () => socket.destroy());
    }
    relay(client, upstream);
    relay(upstream, client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: own } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${own}`,
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
      for (const pass of held.splice(0)) pass();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
