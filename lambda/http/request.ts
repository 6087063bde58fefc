import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  InvalidBodyError,
  InvalidPatIdError,
  InvalidQueryError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../domain/errors';
import { normaliseUuid } from '../domain/uuid';

/**
 * A header by name, in any case. API Gateway lower-cases header names, but a hand-written event
 * (`sam local invoke`, a direct invocation) may not.
 */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const exact = headers[name];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** The path parameter `id` as a lower-case UUID, or 400 `invalid_pat_id`. */
export function patIdOf(event: APIGatewayProxyEventV2): string {
  const id = normaliseUuid(event.pathParameters?.id);
  if (id === undefined) throw new InvalidPatIdError();
  return id;
}

/**
 * The query string parameters, refusing any name not in `allowed` (400 `invalid_query`). API
 * Gateway joins a repeated parameter with commas, which the caller's own checks then refuse.
 */
export function queryOf<Name extends string>(
  event: APIGatewayProxyEventV2,
  allowed: readonly Name[],
): Partial<Record<Name, string>> {
  const query = event.queryStringParameters ?? {};
  const unknown = Object.keys(query).filter((name) => !(allowed as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new InvalidQueryError(
      `Unknown query parameter ${JSON.stringify(unknown[0])}: this route takes ${allowed.join(', ')}.`,
    );
  }
  return query as Partial<Record<Name, string>>;
}

export interface BodyRules {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Whether an empty body is allowed (it then reads as `undefined`). */
  readonly optional: boolean;
}

/**
 * The JSON body, checked in the contract's order: `Content-Type` (415), size (413), then JSON
 * itself (400 `invalid_body`). The JSON must be strict: no duplicate member names (which
 * `JSON.parse` would silently resolve to the last one) and no nesting deeper than any request of
 * this API needs.
 */
export function jsonBodyOf(event: APIGatewayProxyEventV2, rules: BodyRules): unknown {
  const raw = event.body === undefined || event.body === null ? '' : event.body;
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw);
  if (bytes.length === 0 && rules.optional) return undefined;
  if (!isJsonMediaType(header(event, 'content-type'))) throw new UnsupportedMediaTypeError();
  if (bytes.length > rules.maxBytes) throw new PayloadTooLargeError(rules.maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidBodyError([{ field: '', message: 'The body is not UTF-8 text.' }]);
  }
  return parseStrictJson(text);
}

/** `application/json`, with parameters such as `; charset=utf-8` allowed (any case). */
function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [type = '', ...parameters] = contentType.split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim().toLowerCase());
    return name !== 'charset' || value === 'utf-8' || value === '"utf-8"';
  });
}

/** Deeper than any body of this API: `{"scopes": [...]}` is two levels. */
const MAX_DEPTH = 4;

/** `JSON.parse`, after a scan that refuses duplicate member names and deep nesting. */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidBodyError([{ field: '', message: 'The body is not valid JSON.' }]);
  }
  const problem = structureProblem(text);
  if (problem !== undefined) throw new InvalidBodyError([{ field: '', message: problem }]);
  return value;
}

/**
 * Walks text that `JSON.parse` accepted, tracking the member names of each open object. Strings
 * are compared after decoding their escapes (`"a"` and `"\u0061"` are the same name).
 */
function structureProblem(text: string): string | undefined {
  const stack: Array<Set<string> | undefined> = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '{' || char === '[') {
      stack.push(char === '{' ? new Set() : undefined);
      if (stack.length > MAX_DEPTH) return `The body is nested deeper than ${MAX_DEPTH} levels.`;
      expectingKey = char === '{';
    } else if (char === '}' || char === ']') {
      stack.pop();
      expectingKey = false;
    } else if (char === ',') {
      expectingKey = stack.at(-1) !== undefined;
    } else if (char === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const names = stack.at(-1);
      if (expectingKey && names !== undefined) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names.has(name)) return `The body repeats the member ${JSON.stringify(name)}.`;
        names.add(name);
        expectingKey = false;
      }
      i = end;
    }
  }
  return undefined;
}
