import { randomUUID } from 'node:crypto';
import { PATS_METRICS } from '../../../lambda/adapters/emf-metrics';
import type { TestDynamo } from '../../support/dynamodb';
import { getPatEvent } from '../../support/events';
import { buildHandler, functionEnv, type Invoke, startBackends } from '../../support/harness';
import type { TestIssuer } from '../../support/issuer';
import { LogCapture } from '../../support/logs';
import { patItem } from '../../support/pats';

/** The Embedded Metric Format document each invocation writes, read back from the function's output. */
type EmfDocument = Record<string, unknown> & {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
};

let dynamo: TestDynamo;
let issuer: TestIssuer;
let tableName: string;
let invoke: Invoke;
const workspaceId = randomUUID();
let patId: string;
let corruptId: string;
const logs = new LogCapture();

async function emfOf(headers: Record<string, string | undefined>, id: string = patId): Promise<EmfDocument> {
  logs.clear();
  await invoke(getPatEvent({ id, headers }));
  const documents = logs.records().filter((record) => '_aws' in record) as EmfDocument[];
  expect(documents).toHaveLength(1);
  return documents[0] as EmfDocument;
}

const metricNames = (document: EmfDocument) =>
  document._aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.map((metric) => metric.Name),
  ).sort();

const bearer = (workspaces: string[]) => `Bearer ${issuer.token(workspaces)}`;

beforeAll(async () => {
  ({ dynamo, issuer, tableName, patId } = await startBackends(workspaceId));
  const { item: corrupt } = patItem(workspaceId, { scopes: 'not-a-list' });
  corruptId = corrupt.id;
  await dynamo.put(tableName, corrupt);
  invoke = buildHandler(functionEnv(dynamo, issuer, tableName));
  logs.start();
});

afterAll(async () => {
  logs.stop();
  await Promise.all([dynamo.stop(), issuer.stop()]);
});

it('counts the first request as a cold start, and the next one not', async () => {
  const first = await emfOf({ authorization: bearer([workspaceId]), 'x-workspace-id': workspaceId });
  const second = await emfOf({ authorization: bearer([workspaceId]), 'x-workspace-id': workspaceId });

  expect(metricNames(first)).toEqual(['ColdStart', 'DynamoDbLatency', 'Request']);
  expect(metricNames(second)).toEqual(['DynamoDbLatency', 'Request']);
});

it('publishes a 200 with its outcome and the DynamoDB latency, in the PatsApi namespace', async () => {
  const document = await emfOf({ authorization: bearer([workspaceId]), 'x-workspace-id': workspaceId });

  expect(document).toMatchObject({
    Service: 'pats-api',
    Outcome: '200',
    Request: 1,
    DynamoDbLatency: expect.any(Number),
  });
  expect(document._aws.CloudWatchMetrics).toEqual(
    expect.arrayContaining([
      {
        Namespace: 'PatsApi',
        Dimensions: [['Service', 'Outcome']],
        Metrics: [{ Name: 'Request', Unit: 'Count' }],
      },
      {
        Namespace: 'PatsApi',
        Dimensions: [['Service']],
        Metrics: [{ Name: 'DynamoDbLatency', Unit: 'Milliseconds' }],
      },
    ]),
  );
});

const ok = () => ({ authorization: bearer([workspaceId]), 'x-workspace-id': workspaceId });

it.each<[string, () => { headers: Record<string, string | undefined>; id: string }]>([
  ['unauthorized', () => ({ headers: { 'x-workspace-id': workspaceId }, id: patId })],
  ['invalid_workspace_id', () => ({ headers: { ...ok(), 'x-workspace-id': 'nope' }, id: patId })],
  ['invalid_pat_id', () => ({ headers: ok(), id: 'nope' })],
  ['forbidden', () => ({ headers: { ...ok(), authorization: bearer([]) }, id: patId })],
  ['not_found', () => ({ headers: ok(), id: randomUUID() })],
  ['5xx', () => ({ headers: ok(), id: corruptId })],
])('publishes the outcome %s', async (outcome, request) => {
  const { headers, id } = request();
  const document = await emfOf(headers, id);

  expect(document.Outcome).toBe(outcome);
  expect(document.Request).toBe(1);
});

it('publishes why a token was refused, by reason class', async () => {
  const expired = issuer.sign(
    issuer.claims({ workspaces: [workspaceId], exp: Math.floor(Date.now() / 1000) - 60 }),
  );
  const document = await emfOf({ authorization: `Bearer ${expired}`, 'x-workspace-id': workspaceId });

  expect(document).toMatchObject({ Outcome: 'unauthorized', Reason: 'expired', JwtRejected: 1 });
  expect(document._aws.CloudWatchMetrics).toContainEqual({
    Namespace: 'PatsApi',
    Dimensions: [['Service', 'Reason']],
    Metrics: [{ Name: 'JwtRejected', Unit: 'Count' }],
  });
});

it('never uses an id, a token or free text as a dimension value', async () => {
  const document = await emfOf({ authorization: bearer([workspaceId]), 'x-workspace-id': workspaceId });
  const dimensionKeys = new Set(
    document._aws.CloudWatchMetrics.flatMap((directive) => directive.Dimensions.flat()),
  );
  const allowed = new Set(
    Object.values(PATS_METRICS.definitions).flatMap((definition) => [...definition.dimensions]),
  );

  for (const key of dimensionKeys) {
    expect(allowed).toContain(key);
    expect(String(document[key])).toMatch(/^[a-z0-9_-]{1,40}$/);
  }
  expect(JSON.stringify(document)).not.toContain(workspaceId);
  expect(JSON.stringify(document)).not.toContain(patId);
});
