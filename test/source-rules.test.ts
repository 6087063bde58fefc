import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTION_SETTINGS, GATEWAY } from '../lambda/config/schema';
import type { Groups } from '../lambda/config/setting';
import { synth } from './support/cdk';

/**
 * Rules of the source tree that keep it easy to change: small files, no casts that silence the
 * type checker, and one home for every variable a function reads.
 */
const ROOT = join(__dirname, '..');
const SOURCES = execFileSync(
  'git',
  [
    'ls-files',
    '--cached',
    '--others',
    '--exclude-standard',
    'lambda',
    'lib',
    'local',
    'bench',
    'scripts',
    'bin',
  ],
  {
    cwd: ROOT,
    encoding: 'utf8',
  },
)
  .split('\n')
  .filter((file) => /\.(ts|mjs|js)$/.test(file));
const text = new Map(SOURCES.map((file) => [file, readFileSync(join(ROOT, file), 'utf8')]));

it('finds the source files', () => {
  expect(SOURCES).toEqual(expect.arrayContaining(['lambda/config/schema.ts', 'lib/routes.ts']));
});

it.each(SOURCES)('keeps %s within 300 lines', (file) => {
  expect(text.get(file)?.split('\n').length).toBeLessThanOrEqual(301);
});

it('has no double cast (`as unknown as`) outside the tests', () => {
  expect(SOURCES.filter((file) => text.get(file)?.includes('as unknown as'))).toEqual([]);
});

/** Every variable a group reads: its own and its fallbacks. */
const variablesOf = (groups: Groups) =>
  Object.values(groups).flatMap(({ settings }) =>
    Object.values(settings).flatMap((setting) => [setting.env, ...(setting.fallbackEnv ?? [])]),
  );

/** The variables the stack writes into its functions' environments (a sam local template too). */
function templateVariables(): string[] {
  return [{}, { localInvoke: 'true' }, { stage: 'prod' }].flatMap((context) =>
    Object.values(synth(context).template.findResources('AWS::Lambda::Function')).flatMap((fn) =>
      Object.keys(
        (fn as { Properties: { Environment?: { Variables?: object } } }).Properties.Environment?.Variables ??
          {},
      ),
    ),
  );
}

describe('the functions’ environment', () => {
  const variables = [
    ...new Set([...variablesOf(FUNCTION_SETTINGS), ...variablesOf({ GATEWAY }), ...templateVariables()]),
  ];

  it('holds only variables the settings schema declares', () => {
    const declared = new Set([...variablesOf(FUNCTION_SETTINGS), ...variablesOf({ GATEWAY })]);

    expect(variables.filter((name) => !declared.has(name))).toEqual([]);
  });

  it.each(variables)('names %s in exactly one source file, the settings schema', (name) => {
    const word = new RegExp(`\\b${name}\\b`);

    expect(SOURCES.filter((file) => word.test(text.get(file) ?? ''))).toEqual(['lambda/config/schema.ts']);
  });
});
