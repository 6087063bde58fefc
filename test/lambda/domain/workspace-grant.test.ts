import { ForbiddenError } from '../../../lambda/domain/errors';
import { assertGranted, grantedWorkspaces } from '../../../lambda/domain/workspace-grant';

const a = '11111111-1111-4111-8111-111111111111';
const b = '22222222-2222-4222-8222-222222222222';

describe('grantedWorkspaces', () => {
  it.each([
    ['a JSON array of UUIDs', [a, b], [a, b]],
    ['one space-separated string', `${a}  ${b}`, [a, b]],
    ['UUIDs in upper case, compared in lower case', [a.toUpperCase()], [a]],
    ['members that are not UUID strings, ignored', [a, 42, null, 'nope', [b]], [a]],
  ])('reads %s', (_, claim, expected) => {
    expect([...grantedWorkspaces(claim)]).toEqual(expected);
  });

  it.each([undefined, null, 42, { [a]: true }, true])('grants nothing for a claim of type %p', (claim) => {
    expect(grantedWorkspaces(claim).size).toBe(0);
  });
});

describe('assertGranted', () => {
  const principal = (claims: Record<string, unknown>) => ({ subject: 'u', claims });

  it('passes when the named claim grants the workspace', () => {
    expect(() => assertGranted(principal({ teams: [a] }), a, 'teams')).not.toThrow();
  });

  it('refuses with 403 when the workspace is not granted, or the grant is in another claim', () => {
    expect(() => assertGranted(principal({ teams: [b] }), a, 'teams')).toThrow(ForbiddenError);
    expect(() => assertGranted(principal({ workspaces: [a] }), a, 'teams')).toThrow(ForbiddenError);
  });
});
