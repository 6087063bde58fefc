import * as commands from '../../../lambda/adapters/pat-commands';
import { CREDENTIAL_PROJECTION, READABLE_PAT_PROJECTION } from '../../../lambda/adapters/pats-table-schema';

/**
 * The requests the repositories send. IAM limits `ReturnValues` to NONE, but has no condition key
 * for `ReturnValuesOnConditionCheckFailure`: no request of ours may ask for either.
 */
const key = { workspaceId: 'w', id: 'p' };
const item = {
  ...key,
  name: 'n',
  scopes: ['read'],
  tokenPrefix: 'pat_AbCd1234',
  tokenHash: 'f'.repeat(64),
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-02-01T00:00:00.000Z',
};
const inputs = {
  getPat: commands.getPat('t', key, READABLE_PAT_PROJECTION),
  getCredential: commands.getPat('t', key, CREDENTIAL_PROJECTION),
  listPats: commands.listPats('t', 'w', 20),
  putNewPat: commands.putNewPat('t', item),
  deleteExistingPat: commands.deleteExistingPat('t', key),
  countUp: commands.countUp('t', 'w', 5),
  countDown: commands.countDown('t', 'w'),
  touchLastUsed: commands.touchLastUsed('t', key, 'now', 'before'),
};

it.each(Object.entries(inputs))('%s asks for no item attributes back', (_, input) => {
  expect(Object.keys(input)).not.toContain('ReturnValues');
  expect(Object.keys(input)).not.toContain('ReturnValuesOnConditionCheckFailure');
});

it('reads a PAT for a management route without its hash', () => {
  expect(Object.values(inputs.getPat.ExpressionAttributeNames)).not.toContain('tokenHash');
  expect(Object.values(inputs.listPats.ExpressionAttributeNames)).not.toContain('tokenHash');
});
