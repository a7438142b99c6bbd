import { connect, createServer, type Server, type Socket } from 'node:net';

export interface SwitchableTcpRelay {
  port: number;
  /** Closes the port and cuts every open connection: to a client, the server behind is gone. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of a real server (PostgreSQL), so a test can take that server away from one client
 * and give it back without stopping it for everyone else running against it.
 */
export async function startSwitchableTcpRelay(target: { host: string; port: number }): Promise<SwitchableTcpRelay> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server!.address() as { port: number }).port;
  };
  const cut = async () => {
    if (!server) return;
    const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closing;
    server = undefined;
  };
  await listen();
  return { port, cut, restore: listen, close: cut };
}
