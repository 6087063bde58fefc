// One cold start, in a fresh Node.js process: load a built bundle (the runtime's init), then, when
// given an event, invoke its handler once. Prints {"loadMs", "invokeMs", "status"} as JSON; an
// authorizer's answer counts as what API Gateway makes of it: allow 200, deny 403.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const started = performance.now();
const module = await import(pathToFileURL(bundle).href);
const loaded = performance.now();
let status;
let invoked = loaded;
if (eventFile) {
  const event = JSON.parse(readFileSync(eventFile, 'utf8'));
  const context = {
    awsRequestId: 'bench',
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
    memoryLimitInMB: '256',
    logGroupName: 'bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 15_000,
  };
  const handler = module.handler ?? module.default?.handler;
  if (typeof handler !== 'function') throw new Error(`${bundle} exports no handler`);
  const result = await handler(event, context);
  invoked = performance.now();
  status = typeof result?.isAuthorized === 'boolean' ? (result.isAuthorized ? 200 : 403) : result?.statusCode;
}
process.stdout.write(
  `\n@@BENCH@@${JSON.stringify({ loadMs: loaded - started, invokeMs: invoked - loaded, status })}\n`,
);
