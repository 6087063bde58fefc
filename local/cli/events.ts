import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateDevKey } from '../dev-issuer';
import { demoToken } from '../dev-token';
import { devIssuerUrl, loadLocalConfig } from '../local-config';
import { newPatSecret } from '../pat-admin';
import { samEnvVars, sampleEvents } from '../sample-events';
import { parseOptions, runCli } from './cli-support';

const USAGE = `Usage: npm run events [-- --out events]

Rewrites the sample events (events/get-pat-{200,401,403,404}.json) with a fresh 12-hour dev token for
the demo user and the demo ids of \`npm start\`, and events/env.json for sam local invoke --env-vars.`;

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
  for (const [name, event] of Object.entries(sampleEvents({ token, claims, pat: newPatSecret() }))) {
    writeFileSync(join(values.out, `${name}.json`), `${JSON.stringify(event, null, 2)}\n`);
  }
  const env = samEnvVars({ ...config, issuer });
  writeFileSync(join(values.out, 'env.json'), `${JSON.stringify(env, null, 2)}\n`);
  process.stdout.write(
    `Wrote ${values.out}/get-pat-{200,401,403,404}.json and ${values.out}/env.json (token valid 12 h).\n`,
  );
});
