import { type MutantResult, type MutationReport, mergeReports } from '../../scripts/mutation-merge';

const at = (line: number) => ({ start: { line, column: 1 }, end: { line, column: 9 } });
const mutant = (id: string, status: string, tests: string[], line = 1): MutantResult => ({
  id,
  mutatorName: 'EqualityOperator',
  status,
  coveredBy: tests,
  killedBy: status === 'Killed' ? tests.slice(0, 1) : [],
  location: at(line),
});

/** A report as Stryker writes it: ids numbered from 0 in every run. */
const report = (
  files: Record<string, MutantResult[]>,
  testFiles: Record<string, { source: string; names: string[] }>,
): MutationReport => {
  let nextId = 0;
  return {
    schemaVersion: '1.0',
    files: Object.fromEntries(
      Object.entries(files).map(([path, mutants]) => [path, { source: `// ${path}`, mutants }]),
    ),
    testFiles: Object.fromEntries(
      Object.entries(testFiles).map(([path, { source, names }]) => [
        path,
        { source, tests: names.map((name) => ({ id: String(nextId++), name })) },
      ]),
    ),
  };
};

/** The test names a merged mutant's killedBy ids stand for. */
const killers = (merged: MutationReport, path: string) => {
  const names = new Map(
    Object.values(merged.testFiles ?? {}).flatMap((file) => file.tests.map((test) => [test.id, test.name])),
  );
  return merged.files[path]?.mutants.map((m) => (m.killedBy ?? []).map((id) => names.get(id)));
};

describe('merging the results of a part into the accumulated ones', () => {
  const older = report(
    { 'lambda/a.ts': [mutant('0', 'Survived', ['0'])], 'lambda/b.ts': [mutant('1', 'Killed', ['1'])] },
    {
      'test/a.test.ts': { source: 'a v1', names: ['a works'] },
      'test/b.test.ts': { source: 'b v1', names: ['b works'] },
    },
  );

  it("takes the newer run's results for the files it mutated and keeps the others", () => {
    const newer = report(
      { 'lambda/a.ts': [mutant('0', 'Killed', ['0'])] },
      { 'test/a.test.ts': { source: 'a v1', names: ['a works'] } },
    );

    const merged = mergeReports(older, newer);

    expect(Object.keys(merged.files)).toEqual(['lambda/a.ts', 'lambda/b.ts']);
    expect(merged.files['lambda/a.ts']?.mutants.map((m) => m.status)).toEqual(['Killed']);
    expect(merged.files['lambda/b.ts']?.mutants.map((m) => m.status)).toEqual(['Killed']);
  });

  it('gives every test and mutant one id, so each kill still names the test that made it', () => {
    // Both runs numbered their first test "0": after the merge they are two tests.
    const newer = report(
      { 'lambda/a.ts': [mutant('0', 'Killed', ['0'])] },
      { 'test/a.test.ts': { source: 'a v1', names: ['a works'] } },
    );

    const merged = mergeReports(older, newer);

    expect(killers(merged, 'lambda/a.ts')).toEqual([['a works']]);
    expect(killers(merged, 'lambda/b.ts')).toEqual([['b works']]);
    const mutantIds = Object.values(merged.files).flatMap((file) => file.mutants.map((m) => m.id));
    expect(new Set(mutantIds).size).toBe(mutantIds.length);
  });

  it('drops earlier results that depend on a test file changed since, so they are tested again', () => {
    const newer = report(
      { 'lambda/a.ts': [mutant('0', 'Killed', ['0'])] },
      {
        'test/a.test.ts': { source: 'a v1', names: ['a works'] },
        'test/b.test.ts': { source: 'b v2', names: ['b works'] },
      },
    );

    const merged = mergeReports(older, newer);

    expect(Object.keys(merged.files)).toEqual(['lambda/a.ts']);
    expect(merged.testFiles?.['test/b.test.ts']?.source).toBe('b v2');
  });

  it('drops the results of files that no longer exist', () => {
    const newer = report({ 'lambda/a.ts': [] }, {});

    const merged = mergeReports(older, newer, (path) => path !== 'lambda/b.ts');

    expect(Object.keys(merged.files)).toEqual(['lambda/a.ts']);
  });

  it('is the newer report itself when there is nothing earlier', () => {
    const newer = report(
      { 'lambda/a.ts': [mutant('7', 'Survived', ['0'])] },
      { 'test/a.test.ts': { source: 'a v1', names: ['a works'] } },
    );

    const merged = mergeReports(undefined, newer);

    expect(merged.files['lambda/a.ts']?.mutants.map((m) => m.status)).toEqual(['Survived']);
    expect(merged.schemaVersion).toBe('1.0');
  });
});
