import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'pass' | 'throttle' | 'hang' | 'server-error';

/**
 * An HTTP proxy in front of dynalite that injects DynamoDB faults on the wire, so the AWS SDK's
 * own retries, backoff and timeouts run exactly as they would against AWS. It counts the attempts
 * it sees per operation, and can go away and come back on the same port (an outage).
 */
export class FaultProxy {
  mode: FaultMode = 'pass';
  readonly attempts = new Map<string, number>();
  /** Request bodies seen, by operation (the SDK's wire format). */
  readonly bodies = new Map<string, string[]>();
  /** TCP connections accepted since start. */
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;

  private constructor(private readonly target: URL) {}

  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(target));
    await proxy.listen(0);
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  attemptsOf(operation: string): number {
    return this.attempts.get(operation) ?? 0;
  }

  /** Stops listening and drops every open connection: to the SDK, DynamoDB is gone. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port after `stop`. */
  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1);
    if (this.mode === 'pass') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () =>
        this.bodies.set(operation, [...(this.bodies.get(operation) ?? []), Buffer.concat(chunks).toString()]),
      );
    }
    const fault = (status: number, type: string) => {
      req.resume();
      res
        .writeHead(status, { 'content-type': 'application/x-amz-json-1.0' })
        .end(
          JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `injected ${type}` }),
        );
    };
    switch (this.mode) {
      case 'throttle':
        fault(400, 'ProvisionedThroughputExceededException');
        return;
      case 'server-error':
        fault(500, 'InternalServerError');
        return;
      case 'hang':
        req.resume();
        return; // never answer: only the SDK's request timeout ends this
      default: {
        const upstream = request(
          {
            host: this.target.hostname,
            port: this.target.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      }
    }
  }
}
