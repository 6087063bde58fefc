import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The app as users run it: through the CDK CLI and cdk.json, bundling and cdk-nag included. */
const ROOT = join(__dirname, '..', '..');

function cdkSynth(args: string[]) {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', CDK_DISABLE_VERSION_CHECK: '1' },
    timeout: 120_000,
  });
  return { ...result, outdir };
}

describe('npx cdk synth', () => {
  const outdirs: string[] = [];
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['dev', []],
    ['prod', ['-c', 'stage=prod', '-c', 'alarmEmail=oncall@example.com']],
  ])('writes a %s template that passes cdk-nag, with the bundled function', (stage, extra) => {
    const result = cdkSynth([
      '-c',
      'jwtIssuer=https://issuer.example.com',
      '-c',
      'jwtAudience=pats-api',
      ...extra,
    ]);
    outdirs.push(result.outdir);

    expect(result.stderr).not.toMatch(/AwsSolutions-|Serverless-/);
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(result.outdir, `PatsApi-${stage}.template.json`), 'utf8'));
    expect(Object.keys(template.Resources).length).toBeGreaterThan(5);
    const report = JSON.parse(readFileSync(join(result.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports ?? []).toEqual([]);
  });

  it('stops without jwtIssuer, naming the keys and showing an example, without a stack trace', () => {
    const result = cdkSynth(['-c', 'jwtAudience=pats-api']);
    outdirs.push(result.outdir);

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('missing CDK context jwtIssuer');
    expect(result.stderr).toContain(
      'npx cdk deploy -c jwtIssuer=https://issuer.example.com -c jwtAudience=pats-api',
    );
    expect(result.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
    expect(existsSync(join(result.outdir, 'PatsApi-dev.template.json'))).toBe(false);
  });
});
