import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JWT } from '../../lambda/config/schema';
import { readDemoPat } from '../demo';
import { loadOrCreateDevKey } from '../dev-issuer';
import { demoToken } from '../dev-token';
import { devIssuerUrl, loadLocalConfig } from '../local-config';
import { authorizerSampleEvents, lifecycleSampleEvents, samEnvVars, sampleEvents } from '../sample-events';
import { parseOptions, runCli } from './cli-support';

const USAGE = `Usage: npm run events [-- --out events]

Rewrites the sample events of every route (events/<route>-<status>.json, from lib/routes.ts) with a
fresh 12-hour dev token for the demo user and the demo ids of \`npm start\`, the credential
authorizer's events (events/authorizer-<case>.json; the PAT one needs the demo PAT that
\`npm start\` saved in the data folder), the publisher's stream batch and the expiry job's run
(events/publisher-batch.json, events/expiry-job-run.json), and events/env.json for sam local
invoke --env-vars.`;

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
  if (config.externalIssuer)
    throw new Error(`${JWT.settings.issuer.env} is set: sample events use the dev issuer. Unset it.`);
  const issuer = devIssuerUrl(config.devIssuerPort);
  const token = demoToken(loadOrCreateDevKey(config.dataDir), config.functions.jwt, issuer);
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  mkdirSync(values.out, { recursive: true });
  // Events of routes or samples that no longer exist must not linger.
  for (const file of readdirSync(values.out)) {
    if (file.endsWith('.json') && file !== 'env.json') rmSync(join(values.out, file));
  }
  const credentials = { token, claims, patToken: readDemoPat(config.dataDir) };
  const events = [
    ...sampleEvents(credentials),
    ...Object.entries(authorizerSampleEvents(credentials)).map(([name, event]) => ({ name, event })),
    ...Object.entries(lifecycleSampleEvents()).map(([name, event]) => ({ name, event })),
  ];
  for (const { name, event } of events) {
    writeFileSync(join(values.out, `${name}.json`), `${JSON.stringify(event, null, 2)}\n`);
  }
  writeFileSync(
    join(values.out, 'env.json'),
    `${JSON.stringify(
      samEnvVars({
        ...config,
        issuer,
        tableName: config.functions.table.name,
        auditTableName: config.functions.audit.tableName,
        audiences: config.functions.jwt.audiences,
      }),
      null,
      2,
    )}\n`,
  );
  process.stdout.write(
    `Wrote ${events.length} events to ${values.out}/ (token valid 12 h) and ${values.out}/env.json:\n${events
      .map(({ name }) => `  ${name}.json`)
      .join('\n')}\n${
      credentials.patToken === undefined
        ? 'No demo PAT saved yet: run npm start once, then npm run events again, for events/authorizer-pat.json (git-ignored: it holds the token).\n'
        : ''
    }`,
  );
});
