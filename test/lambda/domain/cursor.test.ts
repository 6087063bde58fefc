import { decodeCursor, encodeCursor } from '../../../lambda/domain/cursor';
import { InvalidCursorError } from '../../../lambda/domain/errors';

const workspace = '11111111-1111-4111-8111-111111111111';
const other = '22222222-2222-4222-8222-222222222222';
const id = '01936d3a-7c00-7000-8000-0000000000a1';

describe('the list cursor', () => {
  it('gives back the id it was made with, for its workspace', () => {
    expect(decodeCursor(encodeCursor(workspace, id), workspace)).toBe(id);
  });

  it('is opaque: neither id appears in it as text', () => {
    const cursor = encodeCursor(workspace, id);

    expect(cursor).not.toContain(workspace);
    expect(cursor).not.toContain(id);
    expect(cursor).toMatch(/^[\w.-]+$/);
  });

  it('is refused in another workspace', () => {
    expect(() => decodeCursor(encodeCursor(workspace, id), other)).toThrow(InvalidCursorError);
  });

  const forged = (value: unknown) => `v1.${Buffer.from(JSON.stringify(value)).toString('base64url')}`;

  it.each([
    ['empty', ''],
    ['another version', encodeCursor(workspace, id).replace('v1.', 'v2.')],
    ['no payload', 'v1.'],
    ['an extra part', `${encodeCursor(workspace, id)}.x`],
    ['not base64url', 'v1.@@@'],
    // Node's base64url decoder skips characters outside the alphabet: a cursor with them around a
    // genuine payload is still not one the service made.
    ['a genuine payload after foreign characters', `v1.@@${encodeCursor(workspace, id).slice(3)}`],
    ['a genuine payload before foreign characters', `${encodeCursor(workspace, id)}@@`],
    ['not JSON', `v1.${Buffer.from('nope').toString('base64url')}`],
    ['not a pair', forged([workspace])],
    ['a pair with an extra element', forged([workspace, id, id])],
    ['an object', forged({ workspace, id })],
    ['an id that is not a UUID', forged([workspace, 'x'])],
    ['an id in upper case', forged([workspace, id.toUpperCase()])],
    ['the counter item', forged([workspace, '#pat-count'])],
  ])('is refused when it is %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, workspace)).toThrow(InvalidCursorError);
  });
});
