import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Responses = Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
export const openApiDocument = parse(
  readFileSync(join(__dirname, '../../openapi/pats-api.yaml'), 'utf8'),
) as {
  paths: Record<string, Record<string, { responses: Responses; parameters?: unknown[] }>>;
  components: { responses: Responses; schemas: Record<string, unknown> };
};

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
// `components` is OpenAPI's container, not a JSON Schema keyword: declare it so strict mode allows it.
ajv.addKeyword({ keyword: 'components' });
// The components alone form a schema document, so the spec's `#/components/...` refs resolve.
ajv.addSchema({ $id: 'pats-api', components: openApiDocument.components });

const compiled = new Map<string, ValidateFunction>();

/**
 * Checks a response against what `openapi/pats-api.yaml` says the operation answers with that
 * status: the status must be listed, and the body must be valid against its schema (or absent
 * when the spec gives the status no content). Returns the problems, none when it conforms.
 */
export function checkResponse(
  operation: { readonly method: string; readonly path: string },
  status: number,
  body: unknown,
): string[] {
  const spec = openApiDocument.paths[operation.path]?.[operation.method.toLowerCase()];
  if (spec === undefined) return [`the OpenAPI document has no ${operation.method} ${operation.path}`];
  let response = spec.responses[String(status)];
  if (response?.$ref !== undefined)
    response = openApiDocument.components.responses[response.$ref.split('/').at(-1) ?? ''];
  if (response === undefined) return [`${operation.method} ${operation.path} does not list status ${status}`];
  const json = response.content?.['application/json'];
  if (json === undefined)
    return body === undefined ? [] : [`status ${status} has no body in the spec, but one came`];
  const key = `${operation.method} ${operation.path} ${status}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(rebase(json.schema) as object);
    compiled.set(key, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** A validator for one named schema of the document, e.g. `PatDetailResponse`. */
export function schemaValidator(name: string) {
  const validate = ajv.getSchema(`pats-api#/components/schemas/${name}`);
  if (validate === undefined) throw new Error(`no schema ${name} in openapi/pats-api.yaml`);
  return (value: unknown): string[] =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** A schema of the document, its local `#/...` references made to point into the registered document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `pats-api${value}`
        : rebase(value),
    ]),
  );
}
