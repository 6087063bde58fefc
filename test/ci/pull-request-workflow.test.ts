import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The pull-request workflow cannot run here; this checks it does what docs/operations.md says. */
const ROOT = join(__dirname, '..', '..');
type Step = { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown> };
type Job = {
  steps: Step[];
  strategy?: { matrix: { stage: string[] } };
  needs?: string;
  permissions?: Record<string, string>;
};
const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'pull-request.yml'), 'utf8')) as {
  on: { pull_request: unknown };
  jobs: Record<string, Job>;
};
const runs = (job: string) => (workflow.jobs[job]?.steps ?? []).map((step) => step.run ?? '').join('\n');

it('runs on pull requests', () => {
  expect(workflow.on.pull_request).toBeDefined();
});

it('runs the same checks as CI, whose script calls the README test command', () => {
  expect(runs('test')).toContain('bash .ci/run');
  expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test/m);
});

it('synthesizes every stage with cdk-nag', () => {
  expect(workflow.jobs.synth?.strategy?.matrix.stage).toEqual(['dev', 'prod']);
  expect(runs('synth')).toMatch(/npx cdk synth .*-c stage=\$\{\{ matrix.stage \}\}/);
});

it('diffs against the deployed stage only with credentials, and says so in the job summary otherwise', () => {
  const steps = workflow.jobs.diff?.steps ?? [];
  const skip = steps.find((step) => step.name === 'Skip without AWS credentials');

  expect(skip?.if).toContain("vars.AWS_ROLE_ARN == ''");
  expect(skip?.run).toContain('GITHUB_STEP_SUMMARY');
  expect(
    steps.filter((step) => step !== skip).every((step) => step.if?.includes("vars.AWS_ROLE_ARN != ''")),
  ).toBe(true);
  expect(runs('diff')).toMatch(/npx cdk diff[\s\S]*GITHUB_STEP_SUMMARY/);
});

it('pins every action to a full commit SHA, never to a tag that can be moved', () => {
  const uses = Object.values(workflow.jobs).flatMap((job) =>
    job.steps.flatMap((step) => (step.uses !== undefined ? [step.uses] : [])),
  );

  expect(uses.length).toBeGreaterThan(0);
  for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
});

it('runs no install script and no pull-request code in the one job that can get AWS credentials', () => {
  const withCredentials = Object.entries(workflow.jobs).filter(
    ([, job]) => job.permissions?.['id-token'] === 'write',
  );

  expect(withCredentials.map(([name]) => name)).toEqual(['diff']);
  const script = runs('diff');
  expect(script.match(/npm ci[^\n]*/g)).toEqual(['npm ci --no-audit --no-fund --ignore-scripts']);
  expect(script).not.toMatch(/cdk synth|npm (test|run)|tsx/);
  expect(script).toMatch(/npx cdk diff --app cdk\.out --no-change-set/);
  const download = workflow.jobs.diff?.steps.find((step) =>
    step.uses?.startsWith('actions/download-artifact@'),
  );
  expect(download?.with?.name).toMatch(/^cdk\.out-\$\{\{ matrix\.stage \}\}$/);
});

it('installs without install scripts wherever the build does not need them', () => {
  expect(runs('synth')).toContain('npm ci --no-audit --no-fund --ignore-scripts');
});
