import { Match } from 'aws-cdk-lib/assertions';
import { PATS_METRICS } from '../../lambda/adapters/emf-metrics';
import { FUNCTIONS, ROUTES } from '../../lib/routes';
import { synth } from '../support/cdk';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('alarms', () => {
  const { template } = synth();
  const alarms = () => template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
  const alarm = (name: string) => {
    const found = Object.entries(alarms()).find(([id]) => id.startsWith(name));
    if (found === undefined) throw new Error(`no alarm ${name}`);
    return found[1].Properties;
  };
  const capitalized = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

  /** Every function's construct id and its timeout: the routes', the authorizer's, the publisher's, the job's. */
  const FUNCTIONS = [
    ...ROUTES.map((route) => [capitalized(route.name), 15_000] as const),
    ['AuthorizerHandler', 8_000] as const,
    ['EventsPublisher', 60_000] as const,
    ['ExpiryJob', 900_000] as const,
  ];

  it('has three alarms per function, four for the API and the table, three for the events and the job, none firing on missing data, each pointing at the runbook', () => {
    expect(Object.keys(alarms())).toHaveLength(3 * FUNCTIONS.length + 4 + 3);
    for (const { Properties } of Object.values(alarms())) {
      expect(Properties.TreatMissingData).toBe('notBreaching');
      expect(Properties.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(Properties.AlarmDescription).toMatch(/docs\/operations\.md#alarms-/);
    }
  });

  it.each(
    FUNCTIONS.flatMap(
      ([id, timeoutMs]) =>
        [
          [`${id}Errors`, 'Errors', 'Sum', 1, 1],
          [`${id}Throttles`, 'Throttles', 'Sum', 1, 1],
          [`${id}P99Duration`, 'Duration', 'p99', timeoutMs * 0.8, 3],
        ] as const,
    ),
  )(
    '%s watches AWS/Lambda %s (%s) of its function at %d over %d five-minute period(s)',
    (name, metricName, statistic, threshold, periods) => {
      const properties = alarm(name);

      expect(properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Period: 300,
        Threshold: threshold,
        EvaluationPeriods: periods,
        Dimensions: [
          {
            Name: 'FunctionName',
            Value: {
              Ref: expect.stringMatching(
                new RegExp(`^${name.replace(/(Errors|Throttles|P99Duration)$/, '')}Function`),
              ),
            },
          },
        ],
      });
      if (statistic.startsWith('p')) expect(properties.ExtendedStatistic).toBe(statistic);
      else expect(properties.Statistic).toBe(statistic);
    },
  );

  it('watches the API p99 latency at 1 s over 2 of 3 periods', () => {
    expect(alarm('AlarmsApiP99Latency')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 1000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
  });

  it.each([
    ['AlarmsDynamoDbThrottles', 'ThrottledRequests'],
    ['AlarmsDynamoDbSystemErrors', 'SystemErrors'],
  ])('%s sums %s of the table over every operation the functions use', (name, metricName) => {
    const metrics = alarm(name).Metrics as Array<{
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> } };
    }>;

    const operations = metrics.flatMap((metric) =>
      metric.MetricStat === undefined
        ? []
        : [
            [
              metric.MetricStat.Metric.MetricName,
              metric.MetricStat.Metric.Dimensions.find((dimension) => dimension.Name === 'Operation')?.Value,
            ],
          ],
    );
    expect(operations).toEqual(
      ['GetItem', 'Query', 'TransactWriteItems', 'UpdateItem'].map((operation) => [metricName, operation]),
    );
    expect(metrics.find((metric) => metric.Expression)?.Expression).toMatch(
      /^FILL\(\w+, 0\)( \+ FILL\(\w+, 0\)){3}$/,
    );
  });

  it('computes the API 5xx rate as a percentage of requests, 2 of 3 periods at 1 %', () => {
    const properties = alarm('AlarmsApi5xxRate');
    const metrics = properties.Metrics as Array<{
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string } };
    }>;

    expect(properties).toMatchObject({ Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe(
      'IF(requests > 0, 100 * errors / requests, 0)',
    );
    expect(metrics.find((metric) => metric.Id === 'errors')?.MetricStat?.Metric.MetricName).toBe('5xx');
    expect(metrics.find((metric) => metric.Id === 'requests')?.MetricStat?.Metric.MetricName).toBe('Count');
  });

  it('notifies nobody unless an alarm e-mail is given', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const { Properties } of Object.values(alarms())) expect(Properties.AlarmActions).toBeUndefined();
  });

  it('sends alarm and recovery notifications to an encrypted topic with the e-mail subscription', () => {
    const withEmail = synth({ alarmEmail: 'ops@example.com' }).template;

    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    withEmail.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    withEmail.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const emailAlarms = Object.values(withEmail.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    for (const { Properties } of emailAlarms) {
      expect(Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
      expect(Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
    }
  });

  it("lets CloudWatch use the topic key only for this account's alarms", () => {
    const [key] = Object.values(
      synth({ alarmEmail: 'ops@example.com' }).template.findResources('AWS::KMS::Key'),
    ) as Resource[];
    const { Statement: statements } = (key?.Properties.KeyPolicy ?? { Statement: [] }) as {
      Statement: Array<{ Principal?: { Service?: string }; Condition?: unknown }>;
    };
    const forCloudWatch = statements.filter(
      (statement) => statement.Principal?.Service === 'cloudwatch.amazonaws.com',
    );

    expect(forCloudWatch).toHaveLength(1);
    expect(forCloudWatch[0]?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudwatch:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':alarm:*',
            ],
          ],
        },
      },
    });
  });
});

describe('dashboard', () => {
  it('shows requests, outcomes by route, latency, every function, cold starts, token refusals and DynamoDB health', () => {
    const { template } = synth();
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    for (const title of [
      'Requests (API Gateway)',
      'Outcomes by route (functions)',
      'Latency at the gateway (ms)',
      'Function duration p99 (ms) and concurrency',
      'Cold starts, Lambda errors and throttles',
      'Refused tokens by reason',
      'DynamoDB',
      'Credential authorizer: answers by outcome and token type',
      'lastUsedAt writes that failed (answers unchanged)',
      'Alarms',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of [
      'PatsApi',
      'Request',
      'ColdStart',
      'DynamoDbLatency',
      'JwtRejected',
      'ThrottledRequests',
      'p99',
      ...[...ROUTES.map((route) => route.name), 'authorizer'].flatMap((name) => [
        `${name} errors`,
        `${name} throttles`,
        `${name} concurrency`,
      ]),
    ]) {
      expect(body).toContain(metric);
    }
  });

  it('searches each of the service metrics by exactly the dimensions the functions publish it with', () => {
    const { template } = synth();
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    // SEARCH('{PatsApi,Service,Route} MetricName="ColdStart"', ...): a dimension set that differs
    // from the published one matches nothing, and the graph stays empty without any error.
    const searches = [...body.matchAll(/\{PatsApi,([A-Za-z,]+)\} MetricName=\\+"(\w+)\\+"/g)];

    expect(searches.length).toBeGreaterThanOrEqual(6);
    for (const [, dimensions, metric] of searches) {
      const definition = PATS_METRICS.definitions[metric as keyof typeof PATS_METRICS.definitions];
      expect([metric, dimensions]).toEqual([metric, definition.dimensions.join(',')]);
    }
  });
});

describe('function concurrency', () => {
  const reserved = (context: Record<string, string>) =>
    (Object.values(synth(context).template.findResources('AWS::Lambda::Function')) as Resource[]).map(
      (fn) => fn.Properties.ReservedConcurrentExecutions,
    );

  // The functions in the order the stack creates them: the routes', the authorizer's, the
  // publisher's, the job's. Their weights add up to 100, so prod's 100 gives each its weight.
  const shares = FUNCTIONS.map((fn) => fn.concurrencyWeight);

  it('reserves none in dev', () => {
    expect(reserved({})).toEqual(shares.map(() => undefined));
  });

  it('reserves each function its share of the 100 of prod', () => {
    expect(reserved({ stage: 'prod' })).toEqual(shares);
  });

  it('splits what the context asks by the same shares, at least 1 each, or nothing with reservedConcurrency=none', () => {
    expect(reserved({ reservedConcurrency: '200' })).toEqual(shares.map((share) => share * 2));
    expect(reserved({ reservedConcurrency: '1' })).toEqual(shares.map(() => 1));
    expect(reserved({ stage: 'prod', reservedConcurrency: 'none' })).toEqual(shares.map(() => undefined));
  });
});

describe('stages', () => {
  it.each([
    [{ stage: 'prod', logRetentionDays: '7' }, /stage prod keeps logs at least 30 days/],
    [{ stage: 'prod', tableRemovalPolicy: 'destroy' }, /stage prod must retain its table/],
    [{ logRetentionDays: '10' }, /logRetentionDays must be one of/],
    [{ memorySize: '64' }, /memorySize must be a whole number of MB from 128 to 10240/],
    [{ throttleRateLimit: '0' }, /throttleRateLimit must be a positive number/],
    [{ reservedConcurrency: '0' }, /reservedConcurrency must be a whole number of at least 1/],
    [{ alarmEmail: 'not-an-address' }, /alarmEmail must be an e-mail address/],
    [{ tableRemovalPolicy: 'snapshot' }, /tableRemovalPolicy must be retain or destroy/],
    [{ stage: 'prod', localInvoke: 'true' }, /localInvoke .* cannot be used with a production stage/],
  ])('refuses %p at synth with a message naming the setting', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });

  it('lets dev keep logs a week and override throttling and memory', () => {
    const { template } = synth({
      logRetentionDays: '7',
      throttleRateLimit: '10',
      throttleBurstLimit: '20',
      memorySize: '1024',
    });

    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024 });
  });

  it('gives prod its own stack name, a year of logs, and higher throttling limits', () => {
    const { template, stack } = synth({ stage: 'prod' });

    expect(stack.stackName).toBe('PatsApi-prod');
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
  });
});
