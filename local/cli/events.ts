import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateDevKey } from '../dev-issuer';
import { demoToken } from '../dev-token';
import { devIssuerUrl, loadLocalConfig } from '../local-config';
import { samEnvVars, sampleEvents } from '../sample-events';
import { parseOptions, runCli } from './cli-support';

const USAGE = `Usage: npm run events [-- --out events]

Rewrites the sample events of every route (events/<route>-<status>.json, from lib/routes.ts) with a
fresh 12-hour dev token for the demo user and the demo ids of \`npm start\`, and events/env.json for
sam local invoke --env-vars.`;

runCli(USAGE, async () => {
  const { values } = parseOptions(process.argv.slice(2), {
    out: { type: 'string', default: 'events' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadLocalConfig();
  if (config.external !== undefined)
    throw new Error('JWT_ISSUER is set: sample events use the dev issuer. Unset it.');
  const issuer = devIssuerUrl(config.devIssuerPort);
  const token = demoToken(loadOrCreateDevKey(config.dataDir), config, issuer);
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  mkdirSync(values.out, { recursive: true });
  // Events of routes or samples that no longer exist must not linger.
  for (const file of readdirSync(values.out)) {
    if (file.endsWith('.json') && file !== 'env.json') rmSync(join(values.out, file));
  }
  const samples = sampleEvents({ token, claims });
  for (const { name, event } of samples) {
    writeFileSync(join(values.out, `${name}.json`), `${JSON.stringify(event, null, 2)}\n`);
  }
  writeFileSync(
    join(values.out, 'env.json'),
    `${JSON.stringify(samEnvVars({ ...config, issuer }), null, 2)}\n`,
  );
  process.stdout.write(
    `Wrote ${samples.length} events to ${values.out}/ (token valid 12 h) and ${values.out}/env.json:\n${samples
      .map(({ name }) => `  ${name}.json`)
      .join('\n')}\n`,
  );
});
