import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { buildPatsApiApp } from '../../lib/pats-api-app';
import { DEMO, seedDemo } from '../../local/demo';
import { newPatSecret } from '../../local/pat-admin';
import { SAMPLE_STATUS, type SampleName, samEnvVars, sampleEvents } from '../../local/sample-events';
import { BASE_CONTEXT } from '../support/cdk';
import { newTableName, TestDynamo } from '../support/dynamodb';
import { TestIssuer } from '../support/issuer';
import { ROOT, runProcess } from '../support/processes';

/**
 * What `sam local invoke -t cdk.out/PatsApi-dev.template.json <FunctionId> -e events/<x>.json
 * --env-vars events/env.json` does, without Docker: synthesize with asset metadata (as `cdk synth`
 * does), find the function, follow `aws:asset:path` and `Handler` to the built bundle, and invoke
 * it in a fresh Node.js process with the template's environment, overridden by the env-vars file
 * for the variables the template declares.
 */
jest.setTimeout(120_000);

type Template = {
  Resources: Record<
    string,
    {
      Type: string;
      Properties: {
        Handler?: string;
        Runtime?: string;
        Environment?: { Variables?: Record<string, unknown> };
      };
      Metadata?: Record<string, string>;
    }
  >;
};

let outdir: string;
let template: Template;
let functionId: string;
let dynamo: TestDynamo;
let issuer: TestIssuer;
let eventsDir: string;
const tableName = newTableName();

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  eventsDir = mkdtempSync(join(tmpdir(), 'events-'));
  const app = new App({
    outdir,
    context: { ...BASE_CONTEXT, localInvoke: 'true', 'aws:cdk:enable-asset-metadata': true },
  });
  const stack = buildPatsApiApp(app);
  app.synth();
  template = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.template.json`), 'utf8')) as Template;
  const functions = Object.entries(template.Resources).filter(
    ([, resource]) =>
      resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['aws:asset:path'] !== undefined,
  );
  expect(functions).toHaveLength(1);
  functionId = functions[0]?.[0] ?? '';

  [dynamo, issuer] = await Promise.all([TestDynamo.start(), TestIssuer.start()]);
  await dynamo.createPatsTable(tableName);
  await seedDemo(dynamo.client, tableName);
  const token = issuer.token([DEMO.workspaceId], { sub: DEMO.subject });
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  for (const [name, event] of Object.entries(sampleEvents({ token, claims, pat: newPatSecret() }))) {
    writeFileSync(join(eventsDir, `${name}.json`), JSON.stringify(event));
  }
});

afterAll(async () => {
  await Promise.all([dynamo?.stop(), issuer?.stop()]);
  rmSync(outdir, { recursive: true, force: true });
  rmSync(eventsDir, { recursive: true, force: true });
});

/** SAM's rule: the template's variables, each overridden by the env-vars file when it names it. */
function containerEnv(overrides: Record<string, string>): Record<string, string> {
  const declared = template.Resources[functionId]?.Properties.Environment?.Variables as Record<
    string,
    unknown
  >;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(declared)) {
    env[name] = overrides[name] ?? (typeof value === 'string' ? value : 'unresolved-reference');
  }
  return env;
}

/** The variables SAM sets in its container, besides the function's own. */
const SAM_RUNTIME = { AWS_SAM_LOCAL: 'true', AWS_LAMBDA_FUNCTION_NAME: 'GetPatFunction' };

function runBundle(sample: SampleName, env: Record<string, string>) {
  const resource = template.Resources[functionId];
  const assetDir = join(outdir, resource?.Metadata?.['aws:asset:path'] ?? '');
  return runProcess(
    process.execPath,
    [
      join(ROOT, 'test', 'support', 'invoke-bundle.mjs'),
      assetDir,
      resource?.Properties.Handler ?? '',
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

async function invoke(
  sample: SampleName,
): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const env = containerEnv({
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    JWT_ISSUER: issuer.url,
    JWKS_URI: issuer.jwksUri,
    JWT_AUDIENCE: issuer.audience,
  });
  const { status, stdout, stderr } = await runBundle(sample, { ...SAM_RUNTIME, ...env });
  const result = stdout.split('@@RESULT@@')[1];
  if (status !== 0 || result === undefined)
    throw new Error(`bundle invocation failed (${status}):\n${stdout}\n${stderr}`);
  return JSON.parse(result);
}

it('finds the function the way SAM does: asset metadata and an ESM Handler', () => {
  const resource = template.Resources[functionId];

  expect(resource?.Metadata?.['aws:asset:property']).toBe('Code');
  expect(resource?.Properties.Handler).toBe('index.handler');
  expect(resource?.Properties.Runtime).toBe('nodejs24.x');
});

it('is the function id the README tells users to invoke', () => {
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(
    `sam local invoke -t cdk.out/PatsApi-dev.template.json ${functionId} `,
  );
});

it('declares every variable of events/env.json, so SAM can override them', () => {
  const declared = Object.keys(template.Resources[functionId]?.Properties.Environment?.Variables ?? {});
  const committed = JSON.parse(readFileSync(join(ROOT, 'events', 'env.json'), 'utf8')) as {
    Parameters: object;
  };

  expect(declared).toEqual(expect.arrayContaining(Object.keys(committed.Parameters)));
  expect(Object.keys(committed.Parameters).sort()).toEqual(
    Object.keys(
      samEnvVars({
        dynamoDbPort: 8000,
        devIssuerPort: 8001,
        tableName: 'pats',
        audience: 'pats-api',
        issuer: 'x',
      }).Parameters,
    ).sort(),
  );
});

it('returns the demo PAT for the 200 event', async () => {
  const result = await invoke('get-pat-200');

  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body)).toEqual({
    data: expect.objectContaining({ id: DEMO.patId, workspaceId: DEMO.workspaceId, name: 'Demo PAT' }),
  });
  expect(result.headers['x-request-id']).toBe('sample-200');
});

it.each(['get-pat-401', 'get-pat-403', 'get-pat-404'] as const)(
  'answers %s with its status',
  async (sample) => {
    const result = await invoke(sample);

    expect(result.statusCode).toBe(SAMPLE_STATUS[sample]);
    if (sample === 'get-pat-401') expect(JSON.parse(result.body).message).toContain('needs a user JWT');
  },
);

it('refuses to start outside sam local with the template values meant for it (host.docker.internal)', async () => {
  const deployed = { AWS_LAMBDA_FUNCTION_NAME: 'GetPatFunction', ...containerEnv({}) };

  const { status, stdout, stderr } = await runBundle('get-pat-200', deployed);

  expect(status).not.toBe(0);
  expect(stdout).not.toContain('@@RESULT@@');
  expect(stderr).toContain('Invalid configuration');
  expect(stderr).toMatch(/DYNAMODB_ENDPOINT must be an https:\/\/ AWS endpoint in a deployed function/);
  expect(stderr).toMatch(/JWKS_URI must be an https:\/\/ URL/);
});

it('keeps events/ in step with the generator (only the token and its claims differ)', () => {
  const generated = sampleEvents({ token: 'T', claims: { sub: DEMO.subject }, pat: 'pat_P' });
  for (const name of Object.keys(SAMPLE_STATUS) as SampleName[]) {
    const committed = JSON.parse(readFileSync(join(ROOT, 'events', `${name}.json`), 'utf8'));
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
    expect(normalise(committed)).toEqual(normalise(generated[name]));
  }
});
