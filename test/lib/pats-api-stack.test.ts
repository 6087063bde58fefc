import { App } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AppContextError } from '../../lib/app-context';
import { buildPatsApiApp } from '../../lib/pats-api-app';
import { ROUTES, routeKey } from '../../lib/routes';
import { BASE_CONTEXT, synth } from '../support/cdk';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

function resourcesOf(template: ReturnType<typeof synth>['template'], type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
};

/** The IAM statements of a route's function role, by its construct id (e.g. `GetPat`). */
function statementsOf(template: ReturnType<typeof synth>['template'], routeId: string): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([, policy]) => JSON.stringify((policy as Resource).Properties.Roles).includes(`"${routeId}Role`))
    .flatMap(
      ([, policy]) =>
        ((policy as Resource).Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
}

const capitalized = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
const tableArn = { 'Fn::GetAtt': [expect.stringMatching(/^PatsTable/), 'Arn'] };
const auditTableArn = { 'Fn::GetAtt': [expect.stringMatching(/^AuditTable/), 'Arn'] };
const READABLE = [
  'workspaceId',
  'id',
  'name',
  'scopes',
  'tokenPrefix',
  'createdAt',
  'expiresAt',
  'lastUsedAt',
  'createdBy',
];
const readCondition = {
  'ForAllValues:StringEquals': { 'dynamodb:Attributes': READABLE },
  StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
};
/** A write returns nothing: ALL_OLD would return the whole item, its hash included. */
const writtenOnly = {
  StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
};
const COUNTER = ['workspaceId', 'id', 'patCount', 'exact'];
const counterCondition = {
  'ForAllValues:StringEquals': { 'dynamodb:Attributes': COUNTER },
  ...writtenOnly,
};
/** The counter read, to tell a full workspace from a count not yet exact. */
const counterReadCondition = {
  'ForAllValues:StringEquals': { 'dynamodb:Attributes': COUNTER },
  StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
};
const writeCondition = {
  'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...READABLE, 'tokenHash', 'expiryShard'] },
  ...writtenOnly,
};
const RECORD = [
  'workspaceId',
  'id',
  'action',
  'patId',
  'name',
  'tokenPrefix',
  'actor',
  'occurredAt',
  'newPatId',
  'reason',
  'source',
  'url',
  'daysLeft',
];
/** A record, in the transaction of its change, on the audit table only. */
const putRecord = {
  Action: 'dynamodb:PutItem',
  Resource: auditTableArn,
  Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...RECORD, 'ttl'] }, ...writtenOnly },
};
/** The IAM ids of every function: the routes', the authorizer's, the publisher's and the job's. */
const FUNCTION_IDS = [
  ...ROUTES.map((route) => capitalized(route.name)),
  'AuthorizerHandler',
  'EventsPublisher',
  'ExpiryJob',
];

describe('the HTTP API', () => {
  const { template } = synth();

  it('serves exactly the routes of lib/routes.ts, each behind the authorizer it names', () => {
    const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route');

    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());
    for (const route of ROUTES) {
      const resource = routes.find((candidate) => candidate.Properties.RouteKey === routeKey(route));
      expect(resource?.Properties).toMatchObject(
        route.authorizer === 'jwt'
          ? { AuthorizationType: 'JWT', AuthorizerId: { Ref: expect.stringMatching(/JwtAuthorizer/) } }
          : { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: expect.stringMatching(/PatAuthorizer/) } },
      );
    }
  });

  it('asks the credential authorizer for simple answers on Authorization and the route key, cached 60 s', () => {
    const [authorizer] = resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer').filter(
      (resource) => resource.Properties.AuthorizerType === 'REQUEST',
    );

    expect(authorizer?.Properties).toMatchObject({
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 60,
    });
    expect(JSON.stringify(authorizer?.Properties.AuthorizerUri)).toMatch(
      /"AuthorizerHandlerFunction\w+","Arn"/,
    );
  });

  it.each([
    ['0', 0],
    ['3600', 3600],
  ])('caches the credential authorizer answers for authorizerCacheSeconds=%s', (value, seconds) => {
    synth({ authorizerCacheSeconds: value }).template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerResultTtlInSeconds: seconds,
    });
  });

  it('lets only this API invoke the credential authorizer, through that authorizer', () => {
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission').filter((permission) =>
      JSON.stringify(permission.Properties.FunctionName).includes('AuthorizerHandlerFunction'),
    );

    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    });
    expect(JSON.stringify(permissions[0]?.Properties.SourceArn)).toMatch(/authorizers\/.*PatAuthorizer/);
  });

  it('trusts the configured issuer and audience, reading the Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['pats-api'] },
    });
  });

  it('proxies each route to its own function with payload format 2.0', () => {
    const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');

    expect(integrations).toHaveLength(ROUTES.length);
    // The authorizer's function is no integration: API Gateway calls it before the route's.
    const targets = integrations.map((integration) => {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
      return JSON.stringify(integration.Properties.IntegrationUri);
    });
    for (const route of ROUTES) {
      expect(targets.filter((target) => target.includes(`${capitalized(route.name)}Function`))).toHaveLength(
        1,
      );
    }
  });

  it('throttles the stage and writes JSON access logs without the Authorization header to a retained log group', () => {
    const [stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/AccessLogs/), 'Arn'] } },
    });
    const settings = stage?.Properties.AccessLogSettings as { Format: string } | undefined;
    const format = JSON.parse(settings?.Format ?? '{}') as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(JSON.stringify(format).toLowerCase()).not.toContain('authorization');
  });

  it('has no CORS configuration unless origins are given', () => {
    const [api] = resourcesOf(template, 'AWS::ApiGatewayV2::Api');
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('answers CORS preflight at the gateway with the methods and headers the routes use', () => {
    const withCors = synth({
      corsAllowedOrigins: 'https://app.example.com,https://admin.example.com',
    }).template;

    withCors.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com', 'https://admin.example.com'],
        AllowMethods: ['GET', 'POST', 'DELETE'],
        AllowHeaders: ['authorization', 'x-workspace-id', 'content-type'],
        ExposeHeaders: ['x-request-id', 'www-authenticate', 'retry-after', 'location'],
      },
    });
    // API Gateway answers OPTIONS itself: no OPTIONS route, so the authorizer never sees preflight.
    withCors.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
  });
});

describe('the functions', () => {
  const { template } = synth({ workspaceClaim: 'ws', patScopes: 'read,deploy', patMaxPerWorkspace: '50' });
  const functions = () => resourcesOf(template, 'AWS::Lambda::Function');

  const functionOf = (id: string) => {
    const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(([logicalId]) =>
      logicalId.startsWith(`${id}Function`),
    );
    if (found === undefined) throw new Error(`no function ${id}`);
    return found[1] as Resource;
  };
  const variablesOf = (id: string) =>
    (functionOf(id).Properties.Environment as { Variables: Record<string, unknown> } | undefined)
      ?.Variables ?? {};

  it('are one per route, the authorizer, the publisher and the expiry job: Node.js 24 on arm64 with active tracing, JSON logs, 512 MB', () => {
    expect(functions()).toHaveLength(ROUTES.length + 3);
    for (const fn of functions()) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON' }),
        Handler: 'index.handler',
      });
    }
  });

  it('time out routes at 15 s and the authorizer at 8 s, before API Gateway stops waiting (10 s)', () => {
    for (const route of ROUTES) expect(functionOf(capitalized(route.name)).Properties.Timeout).toBe(15);
    expect(functionOf('AuthorizerHandler').Properties.Timeout).toBe(8);
  });

  it('time out the publisher at 60 s (a batch of 100 is ten PutEvents) and the expiry job at 15 minutes', () => {
    expect(functionOf('EventsPublisher').Properties.Timeout).toBe(60);
    expect(functionOf('ExpiryJob').Properties.Timeout).toBe(900);
  });

  it('give the management routes the contract configuration, the PAT rules among it', () => {
    for (const route of ROUTES.filter((candidate) => candidate.authorizer === 'jwt')) {
      expect(variablesOf(capitalized(route.name))).toMatchObject({
        TABLE_NAME: { Ref: expect.stringMatching(/^PatsTable/) },
        AUDIT_TABLE_NAME: { Ref: expect.stringMatching(/^AuditTable/) },
        AUDIT_RETENTION_DAYS: '400',
        JWT_ISSUER: 'https://issuer.example.com',
        JWT_AUDIENCE: 'pats-api',
        WORKSPACE_CLAIM: 'ws',
        PAT_SCOPES: 'read,deploy',
        PAT_DEFAULT_LIFETIME_DAYS: '30',
        PAT_MAX_LIFETIME_DAYS: '365',
        PAT_MAX_PER_WORKSPACE: '50',
      });
    }
  });

  it('give whoami no configuration at all: it reads only the authorizer context', () => {
    expect(variablesOf('Whoami')).toEqual({});
  });

  it('give the authorizer the JWT rules, the route scopes and the last-used interval', () => {
    expect(variablesOf('AuthorizerHandler')).toEqual({
      TABLE_NAME: { Ref: expect.stringMatching(/^PatsTable/) },
      JWT_ISSUER: 'https://issuer.example.com',
      JWT_AUDIENCE: 'pats-api',
      WORKSPACE_CLAIM: 'ws',
      ROUTE_SCOPES: JSON.stringify({ 'GET /api/v1/whoami': [] }),
      PAT_LAST_USED_INTERVAL_SECONDS: '60',
      PAT_SCOPES: 'read,deploy',
    });
  });

  it.each([
    ['listPats', [{ Action: 'dynamodb:Query', Condition: readCondition }]],
    ['getPat', [{ Action: 'dynamodb:GetItem', Condition: readCondition }]],
    [
      'createPat',
      [
        { Action: 'dynamodb:PutItem', Condition: writeCondition },
        { Action: 'dynamodb:UpdateItem', Condition: counterCondition },
        { Action: 'dynamodb:GetItem', Condition: counterReadCondition },
        // At the limit, expired PATs are found (with the notices given) and removed; a count not
        // yet exact is taken.
        {
          Action: 'dynamodb:Query',
          Condition: {
            ...readCondition,
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...READABLE, 'notices'] },
          },
        },
        { Action: 'dynamodb:DeleteItem', Condition: writtenOnly },
        putRecord,
      ],
    ],
    [
      'revokePat',
      [
        { Action: 'dynamodb:GetItem', Condition: readCondition },
        { Action: 'dynamodb:DeleteItem', Condition: writtenOnly },
        { Action: 'dynamodb:UpdateItem', Condition: counterCondition },
        { Action: 'dynamodb:GetItem', Condition: counterReadCondition },
        { Action: 'dynamodb:Query', Condition: readCondition },
        putRecord,
      ],
    ],
    [
      'rotatePat',
      [
        { Action: 'dynamodb:GetItem', Condition: readCondition },
        { Action: 'dynamodb:PutItem', Condition: writeCondition },
        { Action: 'dynamodb:DeleteItem', Condition: writtenOnly },
        putRecord,
      ],
    ],
    [
      'auditLog',
      [
        {
          Action: 'dynamodb:Query',
          Resource: auditTableArn,
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': RECORD },
            StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        },
      ],
    ],
    ['whoami', []],
    [
      'authorizerHandler',
      [
        {
          Action: 'dynamodb:GetItem',
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...READABLE, 'tokenHash'] },
            StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        },
        // lastUsedAt is the one attribute it may write (the key names the item).
        {
          Action: 'dynamodb:UpdateItem',
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['workspaceId', 'id', 'lastUsedAt'] },
            ...writtenOnly,
          },
        },
      ],
    ],
  ])(
    'gives %s only the DynamoDB actions and attributes its route needs, on its tables only',
    (name, expected) => {
      const statements = statementsOf(template, capitalized(name));
      const dynamo = statements.filter((statement) =>
        [statement.Action].flat().some((action) => String(action).startsWith('dynamodb:')),
      );

      expect(dynamo).toEqual(
        expected.map((statement) => ({ Effect: 'Allow', Resource: tableArn, ...statement })),
      );
      expect(JSON.stringify(statements)).not.toMatch(/dynamodb:\*|kms:|dynamodb:Scan|dynamodb:BatchGetItem/);
    },
  );

  it('lets no function write with ReturnValues other than NONE, nor write without that condition', () => {
    const writes = FUNCTION_IDS.flatMap((id) =>
      statementsOf(template, id).filter((statement) =>
        [statement.Action].flat().some((action) => /dynamodb:(Put|Update|Delete)Item/.test(String(action))),
      ),
    );

    expect(writes.length).toBeGreaterThanOrEqual(16);
    for (const write of writes) {
      expect(write.Condition).toMatchObject({ StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' } });
    }
  });

  it('never lets a reading function fetch tokenHash', () => {
    for (const id of FUNCTION_IDS.filter((candidate) => candidate !== 'AuthorizerHandler')) {
      const reads = statementsOf(template, id).filter((statement) =>
        ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'].includes(String(statement.Action)),
      );
      for (const read of reads) expect(JSON.stringify(read.Condition)).not.toContain('tokenHash');
    }
  });

  it('use no managed policy: each role writes to its own log group only', () => {
    for (const role of resourcesOf(template, 'AWS::IAM::Role'))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    for (const id of FUNCTION_IDS) {
      expect(statementsOf(template, id)).toContainEqual({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${id}LogGroup`)), 'Arn'] },
      });
    }
  });

  it('log to log groups with a retention', () => {
    for (const group of resourcesOf(template, 'AWS::Logs::LogGroup'))
      expect(group.Properties.RetentionInDays).toBe(30);
  });
});

describe('the tables', () => {
  it('are keyed by workspaceId and id, on demand, encrypted, with point-in-time recovery', () => {
    const tables = resourcesOf(synth().template, 'AWS::DynamoDB::Table');

    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({
        KeySchema: [
          { AttributeName: 'workspaceId', KeyType: 'HASH' },
          { AttributeName: 'id', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('are destroyable in dev', () => {
    for (const table of resourcesOf(synth().template, 'AWS::DynamoDB::Table')) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });

  it('are retained and deletion-protected in prod', () => {
    const { template, stack } = synth({ stage: 'prod' });

    expect(stack.stackName).toBe('PatsApi-prod');
    for (const table of resourcesOf(template, 'AWS::DynamoDB::Table')) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    }
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});

describe('outputs', () => {
  it('gives the API URL, the table names, the bus, every function name and the dashboard', () => {
    const outputs = synth().template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'ApiUrl',
        'AuthorizerFunctionName',
        'PublisherFunctionName',
        'ExpiryJobFunctionName',
        'DashboardName',
        'TableName',
        'AuditTableName',
        'EventBusName',
        ...ROUTES.map((route) => `${capitalized(route.name)}FunctionName`),
      ].sort(),
    );
  });
});

describe('cdk-nag', () => {
  it.each([
    ['dev', {}],
    ['prod', { stage: 'prod' }],
    ['dev with CORS', { corsAllowedOrigins: 'https://app.example.com' }],
    [
      'prod with an alarm topic and reserved concurrency',
      { stage: 'prod', alarmEmail: 'ops@example.com', reservedConcurrency: '20' },
    ],
  ])('finds nothing unacknowledged in %s (AwsSolutions and Serverless packs)', (_, context) => {
    const app = new App({ context: { ...BASE_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] } });
    buildPatsApiApp(app);

    for (const pack of [new AwsSolutionsChecks(app), new ServerlessChecks(app)]) {
      expect(pack.validateScope(app).violations).toEqual([]);
    }
    // The packs registered by the app itself run during synth and would throw on a finding.
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledges only what it must, each with a reason: per function X-Ray, per API or stream function the DLQ, per DLQ its own', () => {
    const { app } = synth();
    const acknowledgements = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));

    expect(acknowledgements.map(([id]) => id).sort()).toEqual(
      [
        ...[...ROUTES, 'authorizer', 'publisher'].flatMap(() => [
          'Annotation::AwsSolutions-IAM5[Resource::*]',
          'Annotation::Serverless-LambdaDLQ',
        ]),
        // The expiry job has a DLQ of its own.
        'Annotation::AwsSolutions-IAM5[Resource::*]',
        // Both dead-letter queues are the last stop.
        ...['events', 'expiry'].flatMap(() => [
          'Annotation::AwsSolutions-SQS3',
          'Annotation::Serverless-SQSRedrivePolicy',
        ]),
        // The scheduler's LambdaInvoke target grants the job's versions and aliases too.
        'Annotation::AwsSolutions-IAM5[Resource::<ExpiryJobFunction766A764C.Arn>:*]',
      ].sort(),
    );
    for (const [, reason] of acknowledgements) expect(reason.length).toBeGreaterThan(20);
  });

  it('fails the synth when a finding is not acknowledged', () => {
    const app = new App({ context: { ...BASE_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stack = buildPatsApiApp(app);
    // A bucket without access logs, TLS enforcement or versioning: several AwsSolutions findings.
    new Bucket(stack, 'UncheckedBucket');

    expect(() => app.synth()).toThrow(/AwsSolutions-S1\b/);
  });
});

describe('context', () => {
  it.each([
    [{ jwtIssuer: undefined }, /missing CDK context jwtIssuer/],
    [{ jwtAudience: undefined }, /missing CDK context jwtAudience/],
    [{ jwtAudience: ' , ' }, /jwtAudience/],
    [{ jwtIssuer: 'http://issuer.example.com' }, /jwtIssuer must be an https:\/\/ URL/],
    [{ jwtIssuer: 'http://localhost:9000' }, /jwtIssuer must be an https:\/\/ URL/],
    [{ jwksUri: 'http://keys.example.com' }, /jwksUri must be an https:\/\/ URL/],
    [{ stage: 'qa' }, /stage must be one of dev, prod/],
    [{ corsAllowedOrigins: '*' }, /corsAllowedOrigins/],
    [{ corsAllowedOrigins: 'https://app.example.com/path' }, /corsAllowedOrigins/],
    [{ stage: 'prod', corsAllowedOrigins: 'http://app.example.com' }, /must be https:\/\/ origins/],
    [{ authorizerCacheSeconds: '3601' }, /authorizerCacheSeconds must be a whole number from 0 to 3600/],
    [{ authorizerCacheSeconds: 'soon' }, /authorizerCacheSeconds must be a whole number from 0 to 3600/],
  ])('refuses %p with a message that names the key and shows an example', (context, message) => {
    expect(() => synth(context)).toThrow(AppContextError);
    expect(() => synth(context)).toThrow(message);
    expect(() => synth(context)).toThrow(/npx cdk deploy -c jwtIssuer=https:\/\/issuer\.example\.com/);
  });

  it('reports every bad key at once', () => {
    const bad = {
      jwtIssuer: 'http://issuer.example.com',
      stage: 'qa',
      patMaxPerWorkspace: '0',
      authorizerCacheSeconds: '-1',
      corsAllowedOrigins: '*',
    };

    let message = '';
    try {
      synth(bad);
    } catch (error) {
      message = (error as Error).message;
    }

    for (const key of Object.keys(bad)) expect(message).toContain(key);
    expect(message.match(/\n {2}- /g)).toHaveLength(Object.keys(bad).length);
  });

  it('accepts localhost origins over plain HTTP in dev', () => {
    synth({ corsAllowedOrigins: 'http://localhost:3000' }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Api',
      { CorsConfiguration: { AllowOrigins: ['http://localhost:3000'] } },
    );
  });

  it('accepts a list of audiences', () => {
    synth({ jwtAudience: 'pats-api,admin-console' }).template.hasResourceProperties(
      'AWS::ApiGatewayV2::Authorizer',
      { JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['pats-api', 'admin-console'] } },
    );
  });
});

describe('a template synthesized for sam local invoke', () => {
  it('carries a CloudFormation rule that can never hold, so it cannot be deployed', () => {
    const { template } = synth({ localInvoke: 'true' });
    const rules = template.toJSON().Rules as Record<
      string,
      { Assertions: Array<{ Assert: { 'Fn::Equals': [unknown, unknown] }; AssertDescription: string }> }
    >;

    const [assertion] = rules.SamLocalInvokeOnly?.Assertions ?? [];
    const [left, right] = assertion?.Assert['Fn::Equals'] ?? [];
    expect(typeof left).toBe('string');
    expect(typeof right).toBe('string');
    expect(left).not.toEqual(right);
    expect(assertion?.AssertDescription).toMatch(
      /sam local invoke only\. Synthesize without localInvoke to deploy/,
    );
  });

  it('is the only kind of template with that rule', () => {
    expect(synth().template.toJSON().Rules).not.toHaveProperty('SamLocalInvokeOnly');
  });
});
