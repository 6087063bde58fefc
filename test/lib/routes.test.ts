import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTE_BINDINGS } from '../../lambda/http/routes';
import { AUTHORIZER, ROUTES } from '../../lib/routes';
import { openApiDocument } from '../support/openapi';

/** The route table drives everything per route: it and the OpenAPI document describe the same API. */
const ROOT = join(__dirname, '..', '..');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

it('names every route of the OpenAPI document, and no other', () => {
  const documented = Object.entries(openApiDocument.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

  expect(ROUTES.map((route) => `${route.method} ${route.path}`).sort()).toEqual(documented.sort());
});

it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
  '%s takes a body exactly when the OpenAPI document says so',
  (_, route) => {
    const operation = openApiDocument.paths[route.path]?.[route.method.toLowerCase()] as {
      requestBody?: { required?: boolean };
    };

    const documented =
      operation.requestBody === undefined ? 'none' : operation.requestBody.required ? 'required' : 'optional';
    expect(route.body).toBe(documented);
  },
);

it.each(ROUTES.map((route) => [route.entry] as const))(
  '%s has a Lambda entry and an HTTP binding',
  (entry) => {
    expect(existsSync(join(ROOT, 'lambda', 'handlers', `${entry}.ts`))).toBe(true);
    expect(ROUTE_BINDINGS[entry]).toBeDefined();
  },
);

it('gives every route a distinct name and entry, and at least one sample event', () => {
  expect(new Set(ROUTES.map((route) => route.name)).size).toBe(ROUTES.length);
  expect(new Set(ROUTES.map((route) => route.entry)).size).toBe(ROUTES.length);
  for (const route of ROUTES) expect(route.samples.length).toBeGreaterThan(0);
});

it('shares out the reserved concurrency among the routes and the credential authorizer', () => {
  const total = ROUTES.reduce<number>(
    (sum, route) => sum + route.concurrencyShare,
    AUTHORIZER.concurrencyShare,
  );

  expect(total).toBeLessThanOrEqual(100);
  for (const route of ROUTES) expect(route.concurrencyShare).toBeGreaterThan(0);
});
