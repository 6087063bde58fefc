import { synth } from '../support/cdk';

/**
 * A secondary test: the whole synthesized template, so that a pull request shows every
 * infrastructure change in its own diff (`__snapshots__/`). Asset hashes change with any source
 * edit and are normalised away; the behaviour that matters is asserted in the other lib tests.
 * After an intended change: `npx jest test/lib/template-snapshot -u`, then review the diff.
 */
function normalised(context: Record<string, unknown>): unknown {
  const template = synth(context).template.toJSON();
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

it('matches the reviewed dev template', () => {
  expect(normalised({})).toMatchSnapshot();
});

it('matches the reviewed prod template (with an alarm topic)', () => {
  expect(normalised({ stage: 'prod', alarmEmail: 'ops@example.com' })).toMatchSnapshot();
});
