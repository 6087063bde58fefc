import { createServer, type Server } from 'node:http';

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

/**
 * Fails early, with the one-line message, when a port is taken: checked for every port before
 * anything starts, so a clash never leaves a half-started set of servers behind.
 */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, port, host, variable);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
