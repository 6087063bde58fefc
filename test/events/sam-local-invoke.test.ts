import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AUTHORIZER_FUNCTION } from '../../lambda/authorizer/definition';
import { authorizerDependencies } from '../../lambda/authorizer/dependencies';
import { loadConfig } from '../../lambda/config';
import { FUNCTION_SETTINGS } from '../../lambda/config/schema';
import type { Groups } from '../../lambda/config/setting';
import { patRouteDependencies } from '../../lambda/dependencies';
import { EXPIRY_JOB_FUNCTION } from '../../lambda/expiry-job/definition';
import { PUBLISHER_FUNCTION } from '../../lambda/publisher/definition';
import { buildPatsApiApp } from '../../lib/pats-api-app';
import { ROUTES, type RouteName, sampleName } from '../../lib/routes';
import { DEMO, seedDemo } from '../../local/demo';
import { createLocalEventBus, type DeliveredEvent } from '../../local/events/local-event-bus';
import { listenAll } from '../../local/listen';
import {
  authorizerSampleEvents,
  lifecycleSampleEvents,
  samEnvVars,
  sampleEvents,
} from '../../local/sample-events';
import { BASE_CONTEXT } from '../support/cdk';
import { auditTableOf, newTableName, TestDynamo } from '../support/dynamodb';
import { functionEnv } from '../support/harness';
import { TestIssuer } from '../support/issuer';
import { ROOT, runProcess } from '../support/processes';

/**
 * What `sam local invoke -t cdk.out/PatsApi-dev.template.json <FunctionId> -e events/<x>.json
 * --env-vars events/env.json` does, without Docker, for every function and every sample event:
 * synthesize with asset metadata (as `cdk synth` does), find the function, follow
 * `aws:asset:path` and `Handler` to the built bundle, and invoke it in a fresh Node.js process
 * with the template's environment, overridden by the env-vars file for the variables the template
 * declares, and the variables SAM sets in its container.
 */
jest.setTimeout(180_000);

type Resource = {
  Type: string;
  Properties: { Handler?: string; Runtime?: string; Environment?: { Variables?: Record<string, unknown> } };
  Metadata?: Record<string, string>;
};

let outdir: string;
let resources: Record<string, Resource>;
let dynamo: TestDynamo;
let issuer: TestIssuer;
let eventsDir: string;
let bus: { port: number; close: () => Promise<void> };
const delivered: DeliveredEvent[] = [];
const tableName = newTableName();
const samples = new Map<string, ReturnType<typeof sampleEvents>[number]>();

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  eventsDir = mkdtempSync(join(tmpdir(), 'events-'));
  const app = new App({
    outdir,
    context: { ...BASE_CONTEXT, localInvoke: 'true', 'aws:cdk:enable-asset-metadata': true },
  });
  const stack = buildPatsApiApp(app);
  app.synth();
  resources = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8')).Resources;

  [dynamo, issuer] = await Promise.all([TestDynamo.start(), TestIssuer.start()]);
  await dynamo.createPatsTable(tableName);
  const config = loadConfig(
    FUNCTION_SETTINGS,
    functionEnv(dynamo, issuer, tableName, { LOG_LEVEL: 'SILENT' }),
  );
  const patToken = await seedDemo(patRouteDependencies(config), {
    credentials: authorizerDependencies(config).credentials,
    savedToken: undefined,
  });
  const token = issuer.token([DEMO.workspaceId], { sub: DEMO.subject });
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  for (const sample of sampleEvents({ token, claims, patToken })) {
    samples.set(sample.name, sample);
    writeFileSync(join(eventsDir, `${sample.name}.json`), JSON.stringify(sample.event));
  }
  for (const [name, event] of Object.entries({
    ...authorizerSampleEvents({ token, claims, patToken }),
    ...lifecycleSampleEvents(),
  })) {
    writeFileSync(join(eventsDir, `${name}.json`), JSON.stringify(event));
  }
  // `npm start`'s bus, which events/env.json points the publisher at.
  bus = await listenAll(
    () => createLocalEventBus({ busName: 'pats-api-local', onEvent: (event) => delivered.push(event) }),
    0,
    ['127.0.0.1'],
    'EVENT_BUS_PORT',
  );
});

afterAll(async () => {
  await Promise.all([dynamo?.stop(), issuer?.stop(), bus?.close()]);
  rmSync(outdir, { recursive: true, force: true });
  rmSync(eventsDir, { recursive: true, force: true });
});

/** A function's construct id: the route's name capitalized, or the other functions'. */
type FunctionName = RouteName | 'authorizerHandler' | 'eventsPublisher' | 'expiryJob';

/** A function, found the way SAM finds it: a Lambda function with asset metadata. */
function functionOf(route: FunctionName): [string, Resource] {
  const prefix = `${route.charAt(0).toUpperCase()}${route.slice(1)}Function`;
  const found = Object.entries(resources).find(
    ([id, resource]) =>
      resource.Type === 'AWS::Lambda::Function' &&
      id.startsWith(prefix) &&
      resource.Metadata?.['aws:asset:path'],
  );
  if (found === undefined) throw new Error(`no function for ${route}`);
  return found;
}

/** SAM's rule: the template's variables, each overridden by the env-vars file when it names it. */
function containerEnv(resource: Resource, overrides: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(resource.Properties.Environment?.Variables ?? {})) {
    env[name] = overrides[name] ?? (typeof value === 'string' ? value : 'unresolved-reference');
  }
  return env;
}

function runBundle(route: FunctionName, sample: string, env: Record<string, string>) {
  const [, resource] = functionOf(route);
  const assetDir = join(outdir, resource.Metadata?.['aws:asset:path'] ?? '');
  return runProcess(
    process.execPath,
    [
      join(ROOT, 'test', 'support', 'invoke-bundle.mjs'),
      assetDir,
      resource.Properties.Handler ?? '',
      join(eventsDir, `${sample}.json`),
    ],
    {
      // Only what the Lambda runtime provides, plus the function's own variables: no PATH to the repo's node_modules.
      env: {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'sam',
        AWS_SECRET_ACCESS_KEY: 'sam',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...env,
      },
      cwd: assetDir,
    },
  );
}

async function invoke(route: FunctionName, sample: string) {
  const [, resource] = functionOf(route);
  const committed = JSON.parse(readFileSync(join(ROOT, 'events', 'env.json'), 'utf8')) as {
    Parameters: Record<string, string>;
  };
  const env = containerEnv(resource, {
    ...committed.Parameters,
    TABLE_NAME: tableName,
    AUDIT_TABLE_NAME: auditTableOf(tableName),
    EVENT_BUS_ENDPOINT: `http://127.0.0.1:${bus.port}`,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    JWT_ISSUER: issuer.url,
    JWKS_URI: issuer.jwksUri,
    JWT_AUDIENCE: issuer.audience,
  });
  // What SAM sets in its container, besides the function's own variables.
  const { status, stdout, stderr } = await runBundle(route, sample, {
    AWS_SAM_LOCAL: 'true',
    AWS_LAMBDA_FUNCTION_NAME: route,
    ...env,
  });
  const result = stdout.split('@@RESULT@@')[1];
  if (status !== 0 || result === undefined)
    throw new Error(`bundle invocation failed (${status}):\n${stdout}\n${stderr}`);
  return JSON.parse(result) as {
    statusCode: number;
    headers: Record<string, string>;
    body?: string;
    isAuthorized?: boolean;
    batchItemFailures?: unknown[];
    seen?: number;
  };
}

const committedEnv = () =>
  Object.keys(
    (JSON.parse(readFileSync(join(ROOT, 'events', 'env.json'), 'utf8')) as { Parameters: object }).Parameters,
  );

/** The variables of events/env.json that a function's settings read: the ones it must declare. */
const readsOf = (settings: Groups) => {
  const names = new Set(
    Object.values(settings).flatMap((group) => Object.values(group.settings).map((setting) => setting.env)),
  );
  return committedEnv().filter((name) => names.has(name));
};

describe.each(ROUTES.map((route) => [route.name, route] as const))('the %s function', (name, route) => {
  it('is found the way SAM finds it: asset metadata and an ESM Handler on Node.js 24', () => {
    const [, resource] = functionOf(name);

    expect(resource.Metadata?.['aws:asset:property']).toBe('Code');
    expect(resource.Properties.Handler).toBe('index.handler');
    expect(resource.Properties.Runtime).toBe('nodejs24.x');
  });

  it('declares every variable of events/env.json it reads, so SAM can override them', () => {
    // A credential route reads only the authorizer's context: it declares nothing to override.
    if (route.authorizer === 'credential') {
      expect(Object.keys(functionOf(name)[1].Properties.Environment?.Variables ?? {})).toEqual([]);
      return;
    }
    const [, resource] = functionOf(name);
    const declared = Object.keys(resource.Properties.Environment?.Variables ?? {});

    expect(readsOf(route.settings).length).toBeGreaterThan(0);
    expect(declared).toEqual(expect.arrayContaining(readsOf(route.settings)));
  });

  it.each(route.samples.map((sample) => [sampleName(route, sample), sample.status] as const))(
    'answers %s with its status',
    async (sample, status) => {
      const result = await invoke(name, sample);

      expect(result.statusCode).toBe(status);
      expect(result.headers['x-request-id']).toBe(`sample-${sample}`);
    },
  );
});

describe('the credential authorizer function', () => {
  it('is found the way SAM finds it, and declares every variable of events/env.json', () => {
    const [, resource] = functionOf('authorizerHandler');

    expect(resource.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs24.x' });
    expect(Object.keys(resource.Properties.Environment?.Variables ?? {})).toEqual(
      expect.arrayContaining(readsOf(AUTHORIZER_FUNCTION.settings)),
    );
  });

  it.each([
    ['authorizer-pat', true],
    ['authorizer-jwt', true],
    ['authorizer-unknown-pat', false],
  ])('answers %s with isAuthorized %s', async (sample, allowed) => {
    const result = await invoke('authorizerHandler', sample);

    expect(result.isAuthorized).toBe(allowed);
  });
});

describe.each([
  ['eventsPublisher', PUBLISHER_FUNCTION.settings],
  ['expiryJob', EXPIRY_JOB_FUNCTION.settings],
] as const)('the %s function', (name, settings) => {
  it('is found the way SAM finds it, and declares every variable of events/env.json it reads', () => {
    const [, resource] = functionOf(name);

    expect(resource.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs24.x' });
    expect(readsOf(settings).length).toBeGreaterThan(0);
    expect(Object.keys(resource.Properties.Environment?.Variables ?? {})).toEqual(
      expect.arrayContaining(readsOf(settings)),
    );
  });
});

it('publishes the record of events/publisher-batch.json to the bus of events/env.json', async () => {
  const result = await invoke('eventsPublisher', 'publisher-batch');

  expect(result.batchItemFailures).toEqual([]);
  expect(delivered.map((event) => [event.source, event['detail-type'], event.detail.patId])).toEqual([
    ['pats-api', 'pat.created', DEMO.patId],
  ]);
});

it('runs the expiry job of events/expiry-job-run.json against the table', async () => {
  const result = await invoke('expiryJob', 'expiry-job-run');

  // The demo's PATs expire in 30 days: none is due.
  expect(result).toMatchObject({ seen: 0, skipped: 0 });
});

it('refuses to start outside sam local with the template values meant for it (host.docker.internal)', async () => {
  const [, resource] = functionOf('getPat');
  const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'getPat', ...containerEnv(resource, {}) };

  const { status, stdout, stderr } = await runBundle('getPat', 'get-pat-200', deployed);

  expect(status).not.toBe(0);
  expect(stdout).not.toContain('@@RESULT@@');
  expect(stderr).toContain('Invalid configuration');
  expect(stderr).toMatch(/DYNAMODB_ENDPOINT must be an https:\/\/ AWS endpoint in a deployed function/);
  expect(stderr).toMatch(/JWKS_URI must be an https:\/\/ URL/);
});

it('is the function id the README tells users to invoke', () => {
  const [id] = functionOf('getPat');

  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(
    `sam local invoke -t cdk.out/PatsApi-dev.template.json ${id} `,
  );
});

it('keeps events/ in step with the generator (only the tokens and their claims differ)', () => {
  // The committed events hold no demo PAT (a secret of someone's data folder): `npm run events`
  // after `npm start` adds events/authorizer-pat.json locally.
  const credentials = { token: 'T', claims: { sub: DEMO.subject, exp: 4_102_444_800 }, patToken: undefined };
  const generated = sampleEvents(credentials);
  const committed = readdirSync(join(ROOT, 'events')).filter(
    (file) => !['env.json', 'authorizer-pat.json'].includes(file),
  );

  expect(committed.sort()).toEqual(
    [
      ...generated.map((sample) => `${sample.name}.json`),
      ...Object.keys(authorizerSampleEvents(credentials)).map((name) => `${name}.json`),
      ...Object.keys(lifecycleSampleEvents()).map((name) => `${name}.json`),
    ].sort(),
  );
  for (const [name, event] of Object.entries(lifecycleSampleEvents())) {
    expect(JSON.parse(readFileSync(join(ROOT, 'events', `${name}.json`), 'utf8'))).toEqual(event);
  }
  const normalise = (event: APIGatewayProxyEventV2) => ({
    ...event,
    headers: {
      ...event.headers,
      authorization: event.headers.authorization?.replace(/^Bearer \S+$/, 'Bearer X'),
    },
    requestContext: {
      ...event.requestContext,
      authorizer: 'authorizer' in event.requestContext ? 'claims' : undefined,
    },
  });
  for (const sample of generated) {
    const event = JSON.parse(
      readFileSync(join(ROOT, 'events', `${sample.name}.json`), 'utf8'),
    ) as APIGatewayProxyEventV2;
    expect(normalise(event)).toEqual(normalise(sample.event));
  }
});

it('keeps events/env.json in step with samEnvVars', () => {
  const committed = JSON.parse(readFileSync(join(ROOT, 'events', 'env.json'), 'utf8')) as {
    Parameters: object;
  };
  const generated = samEnvVars({
    dynamoDbPort: 8000,
    devIssuerPort: 8001,
    eventBusPort: 8002,
    tableName: 'pats',
    auditTableName: 'pats-audit',
    audiences: ['pats-api'],
    issuer: 'x',
  });

  expect(Object.keys(committed.Parameters).sort()).toEqual(Object.keys(generated.Parameters).sort());
});
