import { grantedWorkspaces } from '../../../lambda/domain/workspace-grant';

const a = '0f8fad5b-d9cb-469f-a165-70867728950e';
const b = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('grantedWorkspaces', () => {
  it('reads a JSON array of UUID strings, lower-cased', () => {
    expect([...grantedWorkspaces([a, b.toUpperCase()])]).toEqual([a, b]);
  });

  it('reads one space-separated string', () => {
    expect([...grantedWorkspaces(` ${a}  ${b} `)]).toEqual([a, b]);
  });

  it('ignores members that are not UUID strings', () => {
    expect([...grantedWorkspaces([a, 42, null, { id: b }, `{${b}}`, ` ${b}`])]).toEqual([a]);
  });

  it.each([42, true, null, undefined, { [a]: true }])('grants nothing for a claim of type %p', (claim) => {
    expect(grantedWorkspaces(claim).size).toBe(0);
  });
});
