import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { PatAuthorizer, type PatAuthorizerProps } from '../../lib/constructs/pat-authorizer';

/**
 * `PatAuthorizer` as another team's stack uses it: its own table import, HTTP API and route. A
 * mistake in its props must stop the synth, never reach a cold start or let a PAT through.
 */
function consumerStack(props: Partial<PatAuthorizerProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Consumer');
  const table = Table.fromTableAttributes(stack, 'Pats', {
    tableName: 'pats',
    tableStreamArn: undefined,
  });
  const pats = new PatAuthorizer(stack, 'PatAuthorizer', {
    table,
    jwtIssuer: 'https://issuer.example.com',
    jwtAudiences: ['reports-api'],
    routeScopes: { 'GET /api/v1/reports': ['read'] },
    ...props,
  });
  const api = new HttpApi(stack, 'Api');
  const reports = new LambdaFunction(stack, 'Reports', {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
  });
  api.addRoutes({
    path: '/api/v1/reports',
    methods: [HttpMethod.GET],
    integration: new HttpLambdaIntegration('Reports', reports),
    authorizer: pats.authorizer,
  });
  return Template.fromStack(stack);
}

/** The environment of the consumer stack's function that holds route scopes: the authorizer's. */
function authorizerVariables(template: Template): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{
    Properties: { Environment?: { Variables?: Record<string, unknown> } };
  }>;
  const variables = functions
    .map((fn) => fn.Properties.Environment?.Variables ?? {})
    .find((candidate) => 'ROUTE_SCOPES' in candidate);
  if (variables === undefined) throw new Error('no authorizer function');
  return variables;
}

it('synthesizes with good props, handing the function the route scopes and the scope policy', () => {
  const variables = authorizerVariables(consumerStack({ patScopes: ['read', 'write'] }));

  expect(variables).toMatchObject({
    ROUTE_SCOPES: JSON.stringify({ 'GET /api/v1/reports': ['read'] }),
    PAT_SCOPES: 'read,write',
    JWT_ISSUER: 'https://issuer.example.com',
    JWT_AUDIENCE: 'reports-api',
  });
});

it.each([
  [
    { routeScopes: { 'post /api/v1/reports': ['read'] } },
    'routeScopes key "post /api/v1/reports" is not a route key',
  ],
  [{ routeScopes: { '/api/v1/reports': ['read'] } }, 'routeScopes key "/api/v1/reports" is not a route key'],
  [
    { routeScopes: { 'GET /api/v1/reports': ['admin'] } },
    'needs "admin", which is not one of patScopes (read, write)',
  ],
  [{ patScopes: ['read', 'Deploy'] }, 'patScopes holds "Deploy"'],
  [
    { jwtIssuer: 'http://issuer.example.com' },
    'jwtIssuer must be an https:// URL (got "http://issuer.example.com")',
  ],
  [{ jwksUri: 'http://keys.example.com' }, 'jwksUri must be an https:// URL'],
  [{ jwtAudiences: [] }, 'jwtAudiences must name at least one audience'],
  [
    { environment: { ROUTE_SCOPES: '{}' } },
    'environment sets ROUTE_SCOPES, which the construct sets from its props',
  ],
  [{ environment: { JWT_ISSUER: 'https://other.example.com' } }, 'environment sets JWT_ISSUER'],
])('refuses %p at synth, naming the bad value', (props, message) => {
  expect(() => consumerStack(props)).toThrow(message);
});

it('names every problem at once', () => {
  expect(() => consumerStack({ jwtIssuer: 'http://x.example.com', jwtAudiences: [] })).toThrow(
    /jwtIssuer must[\s\S]*jwtAudiences must/,
  );
});

it('takes a variable it does not set, such as a log level', () => {
  expect(authorizerVariables(consumerStack({ environment: { LOG_LEVEL: 'DEBUG' } }))).toMatchObject({
    LOG_LEVEL: 'DEBUG',
  });
});

it('accepts $default and [] (any valid PAT) as route scopes', () => {
  expect(() =>
    consumerStack({ routeScopes: { $default: [], 'ANY /api/v1/{proxy+}': ['write'] } }),
  ).not.toThrow();
});
