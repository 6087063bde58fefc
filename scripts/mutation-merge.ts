/**
 * Stryker writes its incremental file with the results of the files it just mutated only. A full
 * run over lambda/ takes hours on a 2-core machine, so `npm run test:mutation -- --mutate <glob>`
 * runs it in parts, and this merge keeps one file (stryker/incremental.json) with the newest
 * result of every file: a later full run reuses them all and tests only what changed.
 *
 * Test and mutant ids are per run (Stryker numbers them), so the merge renumbers them: a test is
 * the same test when its file and full name are.
 */

export interface MutantResult {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  coveredBy?: string[];
  killedBy?: string[];
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  [key: string]: unknown;
}

export interface TestDefinition {
  id: string;
  name: string;
  [key: string]: unknown;
}

export interface MutationReport {
  files: Record<string, { source: string; mutants: MutantResult[]; [key: string]: unknown }>;
  testFiles?: Record<string, { source?: string; tests: TestDefinition[] }>;
  [key: string]: unknown;
}

/**
 * `newer`'s files replace `older`'s; `older`'s other files stay unless `keepFile` says they are
 * gone or a test file they depend on has changed since. Test files: `newer`'s source wins; tests
 * are the union, one id per file + name.
 */
export function mergeReports(
  older: MutationReport | undefined,
  newer: MutationReport,
  keepFile: (path: string) => boolean = () => true,
): MutationReport {
  const testFiles: NonNullable<MutationReport['testFiles']> = {};
  const idsByKey = new Map<string, string>();
  const keyOf = (file: string, name: string) => `${file}\u0000${name}`;

  // Results of `older` that depend on a test file changed since are stale: they are dropped, and
  // the next run of their files tests them again.
  const changedTestFiles = new Set(
    Object.entries(older?.testFiles ?? {})
      .filter(([file, testFile]) => {
        const current = newer.testFiles?.[file];
        return current !== undefined && current.source !== testFile.source;
      })
      .map(([file]) => file),
  );
  const olderTestFile = new Map<string, string>();
  for (const [file, testFile] of Object.entries(older?.testFiles ?? {})) {
    for (const test of testFile.tests) olderTestFile.set(test.id, file);
  }
  const isStale = (path: string) =>
    older?.files[path]?.mutants.some((mutant) =>
      [...(mutant.coveredBy ?? []), ...(mutant.killedBy ?? [])].some((id) =>
        changedTestFiles.has(olderTestFile.get(id) ?? ''),
      ),
    ) ?? false;

  for (const report of [newer, older]) {
    for (const [file, testFile] of Object.entries(report?.testFiles ?? {})) {
      if (report === older && !keepFile(file)) continue;
      testFiles[file] ??= { source: testFile.source, tests: [] };
      const merged = testFiles[file];
      for (const test of testFile.tests) {
        const key = keyOf(file, test.name);
        if (idsByKey.has(key)) continue;
        const id = String(idsByKey.size);
        idsByKey.set(key, id);
        merged.tests.push({ ...test, id });
      }
    }
  }

  /** A report's own test ids mapped to the merged ones. */
  const renumbering = (report: MutationReport) => {
    const map = new Map<string, string>();
    for (const [file, testFile] of Object.entries(report.testFiles ?? {})) {
      for (const test of testFile.tests) {
        const id = idsByKey.get(keyOf(file, test.name));
        if (id !== undefined) map.set(test.id, id);
      }
    }
    return (ids: string[] | undefined) => ids?.flatMap((id) => map.get(id) ?? []);
  };

  const files: MutationReport['files'] = {};
  let nextMutantId = 0;
  const take = (report: MutationReport, paths: string[]) => {
    const renumber = renumbering(report);
    for (const path of paths) {
      const file = report.files[path];
      if (file === undefined) continue;
      files[path] = {
        ...file,
        mutants: file.mutants.map((mutant) => ({
          ...mutant,
          id: String(nextMutantId++),
          ...(mutant.coveredBy ? { coveredBy: renumber(mutant.coveredBy) } : {}),
          ...(mutant.killedBy ? { killedBy: renumber(mutant.killedBy) } : {}),
        })),
      };
    }
  };
  take(newer, Object.keys(newer.files));
  if (older) {
    take(
      older,
      Object.keys(older.files).filter((path) => !(path in newer.files) && keepFile(path) && !isStale(path)),
    );
  }

  const sortedFiles = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  return { ...newer, files: sortedFiles, testFiles };
}
