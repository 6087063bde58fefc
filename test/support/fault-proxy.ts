import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'pass' | 'throttle' | 'hang' | 'server-error';

/**
 * An HTTP proxy in front of dynalite that injects DynamoDB faults on the wire, so the AWS SDK's
 * own retries, backoff and timeouts run exactly as they would against AWS. It counts the
 * attempts it sees per operation.
 */
export class FaultProxy {
  mode: FaultMode = 'pass';
  readonly attempts = new Map<string, number>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string): Promise<FaultProxy> {
    const targetUrl = new URL(target);
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => {
      const self = proxy as FaultProxy;
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      self.attempts.set(operation, (self.attempts.get(operation) ?? 0) + 1);
      const fault = (status: number, type: string) => {
        req.resume();
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(
          JSON.stringify({
            __type: `com.amazonaws.dynamodb.v20120810#${type}`,
            message: `injected ${type}`,
          }),
        );
      };
      switch (self.mode) {
        case 'throttle':
          return fault(400, 'ProvisionedThroughputExceededException');
        case 'server-error':
          return fault(500, 'InternalServerError');
        case 'hang':
          req.resume();
          return; // never answer: only the SDK's request timeout ends this
        default: {
          const upstream = request(
            {
              host: targetUrl.hostname,
              port: targetUrl.port,
              path: req.url,
              method: req.method,
              headers: req.headers,
            },
            (answer) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          req.pipe(upstream);
        }
      }
    });
    server.on('connection', (socket) => {
      proxy?.sockets.add(socket);
      socket.on('close', () => proxy?.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  attemptsOf(operation: string): number {
    return this.attempts.get(operation) ?? 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
