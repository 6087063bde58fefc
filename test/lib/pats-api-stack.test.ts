import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { AppContextError } from '../../lib/app-context';
import { buildPatsApiApp } from '../../lib/pats-api-app';
import { BASE_CONTEXT, synth } from '../support/cdk';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

function resourcesOf(template: ReturnType<typeof synth>['template'], type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

describe('the HTTP API', () => {
  const { template } = synth();

  it('serves only GET /api/v1/pats/{id}, behind the JWT authorizer', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /api/v1/pats/{id}',
      AuthorizationType: 'JWT',
      AuthorizerId: Match.anyValue(),
    });
  });

  it('trusts the configured issuer and audience, reading the Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['pats-api'] },
    });
  });

  it('proxies to the function with payload format 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles the stage and writes JSON access logs without headers to a retained log group', () => {
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

  it('answers CORS preflight at the gateway for the given origins', () => {
    const withCors = synth({
      corsAllowedOrigins: 'https://app.example.com,https://admin.example.com',
    }).template;

    withCors.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com', 'https://admin.example.com'],
        AllowMethods: ['GET'],
        AllowHeaders: ['authorization', 'x-workspace-id'],
      },
    });
    // API Gateway answers OPTIONS itself: no OPTIONS route, so the authorizer never sees preflight.
    withCors.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
  });
});

describe('the function', () => {
  const { template } = synth({ workspaceClaim: 'ws' });

  it('runs Node.js 24 on arm64 with active tracing, JSON logs, 512 MB and a 15 s timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 15,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Handler: 'index.handler',
    });
  });

  it('gets the contract configuration in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: Match.stringLikeRegexp('PatsTable') },
          JWT_ISSUER: 'https://issuer.example.com',
          JWT_AUDIENCE: 'pats-api',
          WORKSPACE_CLAIM: 'ws',
        }),
      },
    });
  });

  it('may call dynamodb:GetItem on the table and nothing else on DynamoDB', () => {
    const statements = resourcesOf(template, 'AWS::IAM::Policy').flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    );
    const dynamo = statements.filter((statement) =>
      [statement.Action].flat().some((action) => String(action).startsWith('dynamodb:')),
    );

    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PatsTable/), 'Arn'] },
      },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/dynamodb:\*|kms:/);
  });

  it('uses no managed policy: its role writes to its own log group only', () => {
    const [role] = resourcesOf(template, 'AWS::IAM::Role');
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('GetPatLogGroup'), 'Arn'] },
          },
        ]),
      },
    });
  });

  it('logs to a log group with a retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    for (const group of resourcesOf(template, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toEqual(expect.any(Number));
    }
  });
});

describe('the table', () => {
  it('is keyed by workspaceId and id, on demand, encrypted, with point-in-time recovery', () => {
    synth().template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'workspaceId', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'workspaceId', AttributeType: 'S' },
        { AttributeName: 'id', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('is destroyable in dev', () => {
    const [table] = resourcesOf(synth().template, 'AWS::DynamoDB::Table');
    expect(table?.DeletionPolicy).toBe('Delete');
    expect(table?.Properties.DeletionProtectionEnabled).toBe(false);
  });

  it('is retained and deletion-protected in prod', () => {
    const { template, stack } = synth({ stage: 'prod' });
    const [table] = resourcesOf(template, 'AWS::DynamoDB::Table');

    expect(stack.stackName).toBe('PatsApi-prod');
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties.DeletionProtectionEnabled).toBe(true);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});

describe('outputs', () => {
  it('gives the API URL, the table name, the function name and the dashboard', () => {
    const outputs = synth().template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'DashboardName', 'FunctionName', 'TableName']);
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

  it('acknowledges only X-Ray wildcard and the dead-letter queue, each with a reason', () => {
    const { app } = synth();
    const acknowledgements = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));

    expect(acknowledgements.map(([id]) => id).sort()).toEqual([
      'Annotation::AwsSolutions-IAM5[Resource::*]',
      'Annotation::Serverless-LambdaDLQ',
    ]);
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
  ])('refuses %p with a message that names the key and shows an example', (context, message) => {
    expect(() => synth(context)).toThrow(AppContextError);
    expect(() => synth(context)).toThrow(message);
    expect(() => synth(context)).toThrow(/npx cdk deploy -c jwtIssuer=https:\/\/issuer\.example\.com/);
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
