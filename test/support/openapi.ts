import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const document = parse(readFileSync(join(__dirname, '../../openapi/pats-api.yaml'), 'utf8')) as {
  components: unknown;
};

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
// `components` is OpenAPI's container, not a JSON Schema keyword: declare it so strict mode allows it.
ajv.addKeyword({ keyword: 'components' });
// The components alone form a schema document, so the spec's `#/components/...` refs resolve.
ajv.addSchema({ $id: 'pats-api', components: document.components });

/** A validator for one of the OpenAPI document's schemas, e.g. `PatDetailDataEnvelope`. */
export function schemaValidator(name: string) {
  const validate = ajv.getSchema(`pats-api#/components/schemas/${name}`);
  if (validate === undefined) throw new Error(`no schema ${name} in openapi/pats-api.yaml`);
  return (value: unknown): string[] =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

export const openApiDocument = document;
