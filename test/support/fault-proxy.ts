import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * - `throttle`: DynamoDB's 400 ProvisionedThroughputExceededException.
 * - `server-error`: DynamoDB's 500 InternalServerError.
 * - `hang`: never answer (only the SDK's request timeout ends it).
 * - `apply-then-hang`: forward the request, let DynamoDB apply it, then never answer: the
 *   response is lost after the write happened.
 * - `transaction-conflict`: cancel a transaction as DynamoDB does when another one touched one of
 *   its items at the same time: `TransactionConflict` for the last item, `None` for the others.
 */
export type Fault = 'throttle' | 'server-error' | 'hang' | 'apply-then-hang' | 'transaction-conflict';

interface Injection {
  readonly fault: Fault;
  readonly operation: string | undefined;
  remaining: number;
}

/**
 * An HTTP proxy in front of DynamoDB Local that injects DynamoDB faults on the wire, so the AWS
 * SDK's own retries, backoff and timeouts run exactly as they would against AWS. It counts the
 * attempts it sees per operation, keeps their bodies, and can go away and come back on the same
 * port (an outage).
 */
export class FaultProxy {
  readonly attempts = new Map<string, number>();
  /** Request bodies seen, by operation (the SDK's wire format). */
  readonly bodies = new Map<string, string[]>();
  /** The statuses DynamoDB answered, by operation (injected faults not included). */
  readonly answered = new Map<string, number[]>();
  /** TCP connections accepted since start. */
  connections = 0;
  private injections: Injection[] = [];
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

  /** Requests of `operation` DynamoDB carried out (answered 200): for a write, the writes made. */
  succeededOf(operation: string): number {
    return (this.answered.get(operation) ?? []).filter((status) => status === 200).length;
  }

  /** Injects `fault` into the next `times` requests (of `operation` only, when given). */
  inject(fault: Fault, options: { operation?: string; times?: number } = {}): void {
    this.injections.push({
      fault,
      operation: options.operation,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
    });
  }

  /** No more faults: every request goes through. */
  clear(): void {
    this.injections = [];
  }

  /** Stops listening and drops every open connection: to the SDK, DynamoDB is gone. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port after `stop` (nothing to do when it is listening). */
  async restart(): Promise<void> {
    if (this.server === undefined) await this.listen(this.port);
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

  private nextFault(operation: string): Fault | undefined {
    const injection = this.injections.find(
      (candidate) =>
        candidate.remaining > 0 && (candidate.operation === undefined || candidate.operation === operation),
    );
    if (injection === undefined) return undefined;
    injection.remaining -= 1;
    return injection.fault;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    this.attempts.set(operation, (this.attempts.get(operation) ?? 0) + 1);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      this.bodies.set(operation, [...(this.bodies.get(operation) ?? []), body.toString()]);
      this.answer(operation, req, body, res);
    });
  }

  private answer(operation: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const error = (status: number, type: string, extra: Record<string, unknown> = {}) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(
        JSON.stringify({
          __type: `com.amazonaws.dynamodb.v20120810#${type}`,
          message: `injected ${type}`,
          ...extra,
        }),
      );
    switch (this.nextFault(operation)) {
      case 'throttle':
        error(400, 'ProvisionedThroughputExceededException');
        return;
      case 'server-error':
        error(500, 'InternalServerError');
        return;
      case 'transaction-conflict': {
        const items = (JSON.parse(body.toString()) as { TransactItems?: unknown[] }).TransactItems ?? [];
        error(400, 'TransactionCanceledException', {
          CancellationReasons: items.map((_, index) => ({
            Code: index === items.length - 1 ? 'TransactionConflict' : 'None',
          })),
        });
        return;
      }
      case 'hang':
        return; // never answer: only the SDK's request timeout ends this
      case 'apply-then-hang':
        this.forward(req, body, () => undefined);
        return;
      default:
        this.forward(req, body, (status, headers, answer) => {
          this.answered.set(operation, [...(this.answered.get(operation) ?? []), status]);
          res.writeHead(status, headers);
          res.end(answer);
        });
    }
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
    reply: (status: number, headers: IncomingMessage['headers'], body: Buffer) => void,
  ): void {
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => reply(answer.statusCode ?? 502, answer.headers, Buffer.concat(chunks)));
      },
    );
    upstream.on('error', () => reply(502, {}, Buffer.alloc(0)));
    upstream.end(body);
  }
}
