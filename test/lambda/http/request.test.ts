import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  InvalidBodyError,
  InvalidPatIdError,
  InvalidQueryError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../../lambda/domain/errors';
import { header, jsonBodyOf, parseStrictJson, patIdOf, queryOf } from '../../../lambda/http/request';

const event = (fields: Partial<APIGatewayProxyEventV2>) => fields as APIGatewayProxyEventV2;
const json = (body: string, contentType = 'application/json') =>
  event({ headers: { 'content-type': contentType }, body, isBase64Encoded: false });
const rules = { maxBytes: 64, optional: false };

describe('header', () => {
  it('reads a lower-case header as API Gateway sends it', () => {
    expect(header(event({ headers: { authorization: 'a' } }), 'authorization')).toBe('a');
  });

  it('reads a header of a hand-written event in any case', () => {
    expect(header(event({ headers: { 'X-Workspace-Id': 'w' } }), 'x-workspace-id')).toBe('w');
  });

  it('answers undefined for a missing header or an event without headers', () => {
    expect(header(event({ headers: { other: 'o' } }), 'authorization')).toBeUndefined();
    expect(header(event({}), 'authorization')).toBeUndefined();
  });
});

describe('patIdOf', () => {
  it('reads the path id as a lower-case UUID, and refuses anything else', () => {
    const id = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    expect(patIdOf(event({ pathParameters: { id } }))).toBe(id.toLowerCase());
    expect(() => patIdOf(event({ pathParameters: { id: 'x' } }))).toThrow(InvalidPatIdError);
    expect(() => patIdOf(event({}))).toThrow(InvalidPatIdError);
  });
});

describe('queryOf', () => {
  it('returns the allowed parameters and refuses any other, naming it', () => {
    expect(queryOf(event({ queryStringParameters: { limit: '5' } }), ['limit', 'cursor'])).toEqual({
      limit: '5',
    });
    expect(queryOf(event({}), ['limit'])).toEqual({});
    expect(() => queryOf(event({ queryStringParameters: { offset: '1' } }), ['limit', 'cursor'])).toThrow(
      new InvalidQueryError('Unknown query parameter "offset": this route takes limit, cursor.'),
    );
  });
});

describe('jsonBodyOf', () => {
  it('parses a JSON body, in UTF-8, or base64-encoded as API Gateway may pass it', () => {
    expect(jsonBodyOf(json('{"name":"été"}'), rules)).toEqual({ name: 'été' });
    const encoded = event({
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"a":1}').toString('base64'),
      isBase64Encoded: true,
    });
    expect(jsonBodyOf(encoded, rules)).toEqual({ a: 1 });
  });

  it('reads no body as undefined where the body is optional, whatever the Content-Type', () => {
    expect(jsonBodyOf(event({ headers: {} }), { ...rules, optional: true })).toBeUndefined();
    expect(jsonBodyOf(json('', 'text/plain'), { ...rules, optional: true })).toBeUndefined();
  });

  it('checks the Content-Type first, then the size, then the JSON', () => {
    const big = 'x'.repeat(100);
    expect(() => jsonBodyOf(json(big, 'text/plain'), rules)).toThrow(UnsupportedMediaTypeError);
    expect(() => jsonBodyOf(json(big), rules)).toThrow(PayloadTooLargeError);
    expect(() => jsonBodyOf(json('nope'), rules)).toThrow(InvalidBodyError);
  });

  it('measures the size in bytes, not characters', () => {
    expect(() => jsonBodyOf(json(`"${'é'.repeat(32)}"`), rules)).toThrow(PayloadTooLargeError);
    expect(jsonBodyOf(json(`"${'é'.repeat(30)}"`), rules)).toBe('é'.repeat(30));
  });

  it('takes a body of exactly the limit, and refuses one byte more', () => {
    expect(jsonBodyOf(json(`"${'x'.repeat(62)}"`), rules)).toBe('x'.repeat(62));
    expect(() => jsonBodyOf(json(`"${'x'.repeat(63)}"`), rules)).toThrow(PayloadTooLargeError);
  });

  it('reads a null body, as a hand-written event may carry, as no body', () => {
    const nullBody = event({
      headers: { 'content-type': 'application/json' },
      body: null as unknown as string,
    });
    expect(jsonBodyOf(nullBody, { ...rules, optional: true })).toBeUndefined();
    expect(() => jsonBodyOf(nullBody, rules)).toThrow(InvalidBodyError);
  });

  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/json ; charset="UTF-8"',
    'application/json; profile="https://example.com/pat"',
  ])('takes the media type %s', (contentType) => {
    expect(jsonBodyOf(json('{}', contentType), rules)).toEqual({});
  });

  it.each([
    'text/plain',
    'application/jsonx',
    'application/json; charset=latin1',
    'application/json; charset',
    'application/json+patch',
  ])('refuses the media type %s with 415', (contentType) => {
    expect(() => jsonBodyOf(json('{}', contentType), rules)).toThrow(UnsupportedMediaTypeError);
  });

  it('refuses a required body that is missing as 415 without a Content-Type, and 400 with one', () => {
    expect(() => jsonBodyOf(event({ headers: {} }), rules)).toThrow(UnsupportedMediaTypeError);
    expect(() => jsonBodyOf(json(''), rules)).toThrow(InvalidBodyError);
  });

  it('refuses bytes that are not UTF-8', () => {
    const latin1 = event({
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x22, 0xe9, 0x22]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(() => jsonBodyOf(latin1, rules)).toThrow(
      new InvalidBodyError([{ field: '', message: 'The body is not UTF-8 text.' }]),
    );
  });
});

describe('parseStrictJson', () => {
  it.each([
    ['a repeated member', '{"a":1,"a":2}'],
    ['a member repeated through an escape', '{"a":1,"\\u0061":2}'],
    ['a repeated member in a nested object', '{"x":{"b":1,"b":1}}'],
  ])('refuses %s', (_, text) => {
    expect(() => parseStrictJson(text)).toThrow(/repeats the member/);
  });

  it('refuses nesting deeper than four levels, and takes four', () => {
    expect(parseStrictJson('[[[[1]]]]')).toEqual([[[[1]]]]);
    expect(() => parseStrictJson('[[[[[1]]]]]')).toThrow(/nested deeper than 4 levels/);
  });

  it('is not fooled by brackets, braces and quotes inside strings', () => {
    expect(parseStrictJson('{"a":"{[\\"a\\":1,","b":"]]]]]"}')).toEqual({ a: '{["a":1,', b: ']]]]]' });
  });

  it('allows the same member name in different objects', () => {
    expect(parseStrictJson('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it.each([
    ['a value equal to its member name', '{"name":"name"}', { name: 'name' }],
    ['equal values of different members', '{"a":"x","b":"x"}', { a: 'x', b: 'x' }],
    ['a name of a closed inner object used again after it', '{"a":{"b":1},"b":2}', { a: { b: 1 }, b: 2 }],
    ['strings repeated in an array', '["a","b","b"]', ['a', 'b', 'b']],
    ['member names holding an escaped quote and a backslash', '{"a\\"":1,"a\\\\":2}', { 'a"': 1, 'a\\': 2 }],
    ['more sibling arrays than the depth limit', '[[1],[2],[3],[4],[5]]', [[1], [2], [3], [4], [5]]],
  ])('takes %s', (_, text, value) => {
    expect(parseStrictJson(text)).toEqual(value);
  });

  it('refuses a repeated member whose name holds an escaped quote', () => {
    expect(() => parseStrictJson('{"a\\"":1,"a\\"":2}')).toThrow(/repeats the member "a\\""/);
  });
});
