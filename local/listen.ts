import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port already taken, reported in one line that names the variable that changes it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(port: number, variable: string) {
    super(
      `Port ${port} is already in use: set ${variable} to another port (e.g. ${variable}=${port + 10} npm start).`,
    );
  }
}

export function listen(server: Server, port: number, host: string, variable: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, variable) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** One server per address, all on the same port, closed together. */
export interface Listening {
  readonly port: number;
  readonly servers: readonly Server[];
  close(): Promise<void>;
}

/**
 * Listens on every address of `hosts` with a server made by `create` (a Node.js server listens on
 * one address only). With port 0 the first address picks a free port and the others take it.
 */
export async function listenAll(
  create: () => Server,
  port: number,
  hosts: readonly string[],
  variable: string,
): Promise<Listening> {
  const servers: Server[] = [];
  const close = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  };
  let chosen = port;
  try {
    for (const host of hosts) {
      const server = create();
      await listen(server, chosen, host, variable);
      servers.push(server);
      chosen = (server.address() as AddressInfo).port;
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { port: chosen, servers, close };
}

/**
 * Fails early, with the one-line message, when a port is taken: checked for every port before
 * anything starts, so a clash never leaves a half-started set of servers behind.
 */
export async function assertPortFree(
  port: number,
  hosts: readonly string[],
  variable: string,
): Promise<void> {
  if (port === 0) return;
  const probe = await listenAll(() => createServer(), port, hosts, variable);
  await probe.close();
}
