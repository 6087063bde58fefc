import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildPatsApiApp } from '../../lib/pats-api-app';
import { BASE_CONTEXT, synth } from '../support/cdk';

/** A PAT's life after its creation in the template: the audit table, the events, the expiry job. */
type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const { template } = synth();
const resources = (type: string) => Object.entries(template.findResources(type)) as Array<[string, Resource]>;
const resourceOf = (type: string, idPrefix: string) => {
  const found = resources(type).find(([id]) => id.startsWith(idPrefix));
  if (found === undefined) throw new Error(`no ${type} ${idPrefix}`);
  return found[1];
};
const statementsOf = (roleId: string): Statement[] =>
  resources('AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}`))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
const actionsOf = (statements: Statement[]) => statements.flatMap((statement) => [statement.Action].flat());

describe('the audit table', () => {
  const table = resourceOf('AWS::DynamoDB::Table', 'AuditTable');

  it('streams new images (the records as written) and expires records by TTL', () => {
    expect(table.Properties).toMatchObject({
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('is written only in the transactions of the management routes and the job, and read only by the audit log', () => {
    const writers = resources('AWS::IAM::Policy')
      .filter(([, policy]) =>
        (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some(
          (statement) =>
            JSON.stringify(statement.Resource).includes('AuditTable') &&
            [statement.Action].flat().includes('dynamodb:PutItem'),
        ),
      )
      .map(([id]) => id.replace(/RoleDefaultPolicy.*$/, ''))
      .sort();

    expect(writers).toEqual(['CreatePat', 'ExpiryJob', 'RevokePat', 'RotatePat']);
    expect(
      actionsOf(statementsOf('AuditLogRole')).filter((action) => action.startsWith('dynamodb:')),
    ).toEqual(['dynamodb:Query']);
  });
});

describe('the expiry index', () => {
  const [index] = (resourceOf('AWS::DynamoDB::Table', 'PatsTable').Properties.GlobalSecondaryIndexes ??
    []) as Array<{
    IndexName: string;
    KeySchema: unknown;
    Projection: { ProjectionType: string; NonKeyAttributes: string[] };
  }>;

  it('is keyed by shard and expiry, holding what a notice names and never the hash', () => {
    expect(index).toEqual({
      IndexName: 'expiry',
      KeySchema: [
        { AttributeName: 'expiryShard', KeyType: 'HASH' },
        { AttributeName: 'expiresAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['name', 'tokenPrefix', 'notices'] },
    });
  });
});

describe('the publisher', () => {
  const mapping = resourceOf('AWS::Lambda::EventSourceMapping', 'EventsPublisher').Properties;

  it('reads the audit stream one batch per shard, reporting failures per record, retrying into a DLQ', () => {
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^AuditTable/), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: false,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^EventsDeadLetters/), 'Arn'] } },
      },
    });
    expect(mapping.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
  });

  it('may put events on the stack bus only, read the audit stream, and touch no table', () => {
    const statements = statementsOf('EventsPublisherRole');

    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^EventsBus/), 'Arn'] },
    });
    expect(
      actionsOf(statements).filter(
        (action) => action.startsWith('dynamodb:') || action.startsWith('events:'),
      ),
    ).toEqual(
      expect.arrayContaining(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']),
    );
    expect(actionsOf(statements)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/dynamodb:(Get|Put|Update|Delete)Item|dynamodb:Query/)]),
    );
  });

  it('is configured with the bus name', () => {
    const fn = resourceOf('AWS::Lambda::Function', 'EventsPublisherFunction');
    expect(fn.Properties.Environment).toEqual({
      Variables: { EVENT_BUS_NAME: { Ref: expect.stringMatching(/^EventsBus/) } },
    });
  });

  it('raises an alarm on the first batch in its dead-letter queue, and when it falls behind', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([id]) => id);
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^EventsUnpublishedRecords/),
        expect.stringMatching(/^EventsPublisherBehind/),
      ]),
    );
    const unpublished = resources('AWS::CloudWatch::Alarm').find(([id]) =>
      id.startsWith('EventsUnpublishedRecords'),
    )?.[1];
    expect(unpublished?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('the expiry job', () => {
  const schedule = resourceOf('AWS::Scheduler::Schedule', 'ExpiryDaily').Properties;

  it('runs daily through EventBridge Scheduler, retried, failures to its dead-letter queue', () => {
    expect(schedule).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^ExpiryJobFunction/), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^ExpiryDeadLetters/), 'Arn'] } },
      },
    });
    expect(resourceOf('AWS::Lambda::Function', 'ExpiryJobFunction').Properties.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^ExpiryDeadLetters/), 'Arn'] },
    });
  });

  it('reads PATs through the expiry index only, and scans only for keys and expiries', () => {
    const statements = statementsOf('ExpiryJobRole');
    const queries = statements.filter((statement) => statement.Action === 'dynamodb:Query');
    const scan = statements.find((statement) => statement.Action === 'dynamodb:Scan');

    expect(JSON.stringify(queries)).toContain('/index/expiry');
    expect(JSON.stringify(statements)).not.toContain('tokenHash');
    expect(scan?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:Attributes': ['workspaceId', 'id', 'expiresAt', 'expiryShard'],
      },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
  });

  it('writes its one marker item only under its own partition key', () => {
    const marker = statementsOf('ExpiryJobRole').filter((statement) =>
      JSON.stringify(statement.Condition ?? {}).includes('LeadingKeys'),
    );

    expect(marker.map((statement) => statement.Action).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
    for (const statement of marker) {
      expect(statement.Condition).toMatchObject({
        'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['#expiry-index'] },
      });
    }
  });

  it('is given the retentions of the context', () => {
    const variables = synth({
      auditRetentionDays: '30',
      patExpiredRetentionDays: '7',
    }).template.findResources('AWS::Lambda::Function');
    const job = Object.entries(variables).find(([id]) => id.startsWith('ExpiryJobFunction'))?.[1] as Resource;

    expect(job.Properties.Environment).toMatchObject({
      Variables: { AUDIT_RETENTION_DAYS: '30', PAT_EXPIRED_RETENTION_DAYS: '7' },
    });
  });
});

describe('expiry notices by e-mail', () => {
  it('are off unless notificationEmail is given', () => {
    expect(resources('AWS::Events::Rule')).toEqual([]);
  });

  it('send pat.expiring of the bus to an encrypted SNS topic with the e-mail subscribed', () => {
    const withEmail = synth({ notificationEmail: 'ops@example.com' }).template;

    withEmail.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^EventsBus') },
      EventPattern: { source: ['pats-api'], 'detail-type': ['pat.expiring'] },
    });
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    withEmail.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsNoticeKey'), 'Arn'] },
    });
  });

  it('refuse a notificationEmail that is no e-mail address', () => {
    expect(() => synth({ notificationEmail: 'ops' })).toThrow(/notificationEmail must be an e-mail address/);
  });

  it('leave cdk-nag nothing unacknowledged', () => {
    const app = new App({
      context: { ...BASE_CONTEXT, notificationEmail: 'ops@example.com', 'aws:cdk:bundling-stacks': [] },
    });
    buildPatsApiApp(app);

    for (const pack of [new AwsSolutionsChecks(app), new ServerlessChecks(app)]) {
      expect(pack.validateScope(app).violations).toEqual([]);
    }
  });
});
