/**
 * Summarises the merged mutation results (stryker/incremental.json) into docs/security.md, between
 * the mutation markers: the score, the score per file, and every surviving mutant, so that each
 * can be killed by a sharper test or explained.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Mutant = {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number } };
};
type Report = { files: Record<string, { source: string; mutants: Mutant[] }> };

const ROOT = join(__dirname, '..');
// Every part run so far, not only the last run's: Stryker keeps the results of files outside
// `--mutate` in its incremental file.
const report = JSON.parse(readFileSync(join(ROOT, 'stryker', 'incremental.json'), 'utf8')) as Report;

const detected = (m: Mutant) => m.status === 'Killed' || m.status === 'Timeout';
const undetected = (m: Mutant) => m.status === 'Survived' || m.status === 'NoCoverage';
const score = (mutants: Mutant[]) => {
  const valid = mutants.filter((m) => detected(m) || undetected(m));
  return valid.length === 0 ? 100 : (100 * valid.filter(detected).length) / valid.length;
};

const all = Object.values(report.files).flatMap((file) => file.mutants);
// A result is of the source Stryker mutated; the file may have changed since (a later fix).
const sourceNow = (path: string) => {
  try {
    return readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return undefined;
  }
};
// Files of lambda/ without results: the score covers the others only.
const notRun = readdirSync(join(ROOT, 'lambda'), { recursive: true })
  .map((path) => `lambda/${String(path)}`)
  .filter((path) => path.endsWith('.ts') && !(path in report.files))
  .sort();
const lines = [
  `Last run ${new Date().toISOString().slice(0, 10)}: **mutation score ${score(all).toFixed(1)} %** (${all.filter(detected).length} killed or timed out, ${all.filter(undetected).length} survived or not covered, of ${all.length} mutants in ${Object.keys(report.files).length} files).`,
  '',
  notRun.length === 0
    ? 'Every file of `lambda/` is in this result.'
    : `Not in this result (${notRun.length} files): either nothing to mutate outside module-load code (types, the handlers' entry points; static mutants are ignored) or not mutated yet (\`npm run test:mutation -- --mutate <glob>\`): ${notRun.map((path) => `\`${path}\``).join(', ')}.`,
  '',
  '| file | score | survivors | of the code as it is now |',
  '|---|---|---|---|',
  ...Object.entries(report.files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([path, file]) =>
        `| \`${path}\` | ${score(file.mutants).toFixed(1)} % | ${file.mutants.filter(undetected).length} | ${sourceNow(path) === file.source ? 'yes' : 'no: changed since, rerun it'} |`,
    ),
  '',
  '<details><summary>Surviving mutants</summary>',
  '',
  '| file:line | mutator | replacement |',
  '|---|---|---|',
  ...Object.entries(report.files).flatMap(([path, file]) =>
    file.mutants
      .filter(undetected)
      .sort((a, b) => a.location.start.line - b.location.start.line)
      .map(
        (m) =>
          `| \`${path}:${m.location.start.line}\` | ${m.mutatorName} | \`${(m.replacement ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 80)}\` |`,
      ),
  ),
  '',
  '</details>',
];
const doc = join(ROOT, 'docs', 'security.md');
const current = readFileSync(doc, 'utf8');
writeFileSync(
  doc,
  current.replace(
    /<!-- mutation:start -->[\s\S]*<!-- mutation:end -->/,
    `<!-- mutation:start -->\n${lines.join('\n')}\n<!-- mutation:end -->`,
  ),
);
process.stdout.write(`${lines[0]}\n`);
