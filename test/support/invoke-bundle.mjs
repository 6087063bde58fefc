// Loads a built Lambda bundle in a fresh Node.js process and invokes its handler once, the way the
// Lambda runtime (and so `sam local invoke`) does: `Handler` "index.handler" means the export
// `handler` of `index.mjs` (or `index.js`) in the asset folder. Prints the result as JSON.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [assetDir, handlerSetting, eventFile] = process.argv.slice(2);
const dot = handlerSetting.lastIndexOf('.');
const base = join(assetDir, handlerSetting.slice(0, dot));
const file = ['.mjs', '.js', '.cjs'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
if (file === undefined) throw new Error(`no module for handler ${handlerSetting} in ${assetDir}`);

const module = await import(pathToFileURL(file).href);
const handler = module[handlerSetting.slice(dot + 1)];
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const deadline = Date.now() + 15_000;
const context = {
  functionName: 'GetPatFunction',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:GetPatFunction',
  memoryLimitInMB: '256',
  awsRequestId: 'sam-local-invoke',
  logGroupName: '/aws/lambda/GetPatFunction',
  logStreamName: 'local',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => deadline - Date.now(),
};
const result = await handler(event, context);
process.stdout.write(`\n@@RESULT@@${JSON.stringify(result)}\n`);
