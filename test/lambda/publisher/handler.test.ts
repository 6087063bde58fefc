import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { toAuditItem } from '../../../lambda/adapters/audit-table-schema';
import { auditRecord, userActor } from '../../../lambda/domain/audit';
import { UuidV7Generator } from '../../../lambda/domain/uuid';
import { publisherFor, startBus } from '../../support/events';

/** The publisher's handler with a stream batch as Lambda hands it, and `npm start`'s bus. */
const ids = new UuidV7Generator(Date.now, (size) => crypto.getRandomValues(new Uint8Array(size)));
const pat = { workspaceId: 'c0ffee00-0000-4000-8000-000000000001', name: 'CI', tokenPrefix: 'pat_AbCd1234' };
let sequence = 0;

function streamRecord(
  image: Record<string, unknown> | undefined,
  eventName: DynamoDBRecord['eventName'] = 'INSERT',
): DynamoDBRecord {
  sequence += 1;
  return {
    eventName,
    dynamodb: {
      SequenceNumber: String(sequence),
      ...(image !== undefined ? { NewImage: marshall(image) as never } : {}),
    },
  };
}
const recordImage = (patId: string) =>
  toAuditItem(
    auditRecord('pat.created', { ...pat, id: patId }, userActor('u'), { at: Date.now(), ids }),
    400,
  );

let bus: Awaited<ReturnType<typeof startBus>>;
beforeEach(async () => {
  bus = await startBus();
});
afterEach(async () => {
  await bus.close();
});

it('publishes the inserted records and skips what TTL deletes', async () => {
  const logLines: string[] = [];
  const records = [
    streamRecord(recordImage(ids.next())),
    streamRecord(undefined, 'REMOVE'),
    streamRecord(recordImage(ids.next())),
  ];

  const result = await publisherFor(bus.endpoint, logLines)({ Records: records });

  expect(result).toEqual({ batchItemFailures: [] });
  expect(bus.delivered).toHaveLength(2);
  expect(JSON.parse(logLines[0] ?? '{}')).toMatchObject({
    message: 'published',
    received: 3,
    records: 2,
    published: 2,
  });
});

it('reports the first record it cannot read as failed, having published those before it', async () => {
  const logLines: string[] = [];
  const broken = streamRecord({ ...recordImage(ids.next()), action: 'pat.hijacked' });
  const records = [streamRecord(recordImage(ids.next())), broken, streamRecord(recordImage(ids.next()))];

  const result = await publisherFor(bus.endpoint, logLines)({ Records: records });

  expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: broken.dynamodb?.SequenceNumber }] });
  expect(bus.delivered).toHaveLength(1);
  expect(JSON.parse(logLines[0] ?? '{}')).toMatchObject({ level: 'ERROR', message: 'not published' });
});

it('reports the whole batch as failed when the bus cannot be reached, from its first record', async () => {
  const records = [streamRecord(recordImage(ids.next())), streamRecord(recordImage(ids.next()))];
  await bus.close();

  const result = await publisherFor(bus.endpoint)({ Records: records });

  expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]?.dynamodb?.SequenceNumber }] });
});

it('sends no two records of one PAT in one call, so a refusal never lets the later one through first', async () => {
  const patId = ids.next();
  const records = [
    streamRecord(recordImage(patId)),
    streamRecord(recordImage(ids.next())),
    streamRecord(recordImage(patId)),
  ];
  // The bus refuses the first entry of every call once.
  let calls = 0;
  const refusing = await startBus((_, index) => {
    if (index !== 0) return undefined;
    calls += 1;
    return calls === 1 ? 'ThrottlingException' : undefined;
  });
  try {
    const result = await publisherFor(refusing.endpoint)({ Records: records });

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[0]?.dynamodb?.SequenceNumber }]);
    // The second record shared the call and got through; the PAT's second record was not sent.
    expect(refusing.delivered).toHaveLength(1);
    expect(refusing.delivered[0]?.detail.patId).not.toBe(patId);
  } finally {
    await refusing.close();
  }
});
