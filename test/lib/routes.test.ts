import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUTHORIZER_FUNCTION } from '../../lambda/authorizer/definition';
import { entryOf, FUNCTIONS, ROUTES, reservedConcurrencies } from '../../lib/routes';
import { repeatableSample } from '../../local/sample-events';
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

it.each(FUNCTIONS.map((fn) => [entryOf(fn)] as const))('%s has a Lambda entry', (entry) => {
  expect(existsSync(join(ROOT, 'lambda', 'handlers', `${entry}.ts`))).toBe(true);
});

it.each(ROUTES.map((route) => [entryOf(route)] as const))(
  '%s is a module of its own in lambda/routes',
  (entry) => {
    expect(existsSync(join(ROOT, 'lambda', 'routes', `${entry}.ts`))).toBe(true);
  },
);

it('gives every function a distinct name, and every route a sample event that can be repeated', () => {
  expect(new Set(FUNCTIONS.map((fn) => fn.name)).size).toBe(FUNCTIONS.length);
  for (const route of ROUTES) expect(repeatableSample(route).status).toBeGreaterThan(0);
});

describe('reserved concurrency', () => {
  const sum = (shares: ReadonlyMap<string, number | undefined>) =>
    [...shares.values()].reduce<number>((total, share) => total + (share ?? 0), 0);

  it('shares the whole reservation out by weight', () => {
    const shares = reservedConcurrencies(1000);
    const weights = FUNCTIONS.reduce((total, fn) => total + fn.concurrencyWeight, 0);

    expect(sum(shares)).toBe(1000);
    for (const fn of FUNCTIONS) {
      expect(Math.abs((shares.get(fn.name) ?? 0) - (1000 * fn.concurrencyWeight) / weights)).toBeLessThan(1);
    }
  });

  it('gives every function at least 1, and none without a reservation', () => {
    for (const fn of FUNCTIONS) {
      expect(reservedConcurrencies(1).get(fn.name)).toBe(1);
      expect(reservedConcurrencies(undefined).get(fn.name)).toBeUndefined();
    }
  });

  it('stays within the reservation when a function is added, taking from the others', () => {
    const added = { ...AUTHORIZER_FUNCTION, name: 'added', concurrencyWeight: 30 };

    const shares = reservedConcurrencies(100, [...FUNCTIONS, added]);

    const weights = FUNCTIONS.reduce((total, fn) => total + fn.concurrencyWeight, 0);
    expect(sum(shares)).toBe(100);
    expect(Math.abs((shares.get('added') ?? 0) - (100 * 30) / (weights + 30))).toBeLessThan(1);
  });
});
