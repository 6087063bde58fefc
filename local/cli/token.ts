import { normaliseUuid } from '../../lambda/domain/uuid';
import { loadOrCreateDevKey } from '../dev-issuer';
import { devToken, parseDuration } from '../dev-token';
import { devIssuerUrl, loadLocalConfig } from '../local-config';
import { parseOptions, runCli, UsageError } from './cli-support';

const USAGE = `Usage: npm run token -- --sub <user> --workspaces <uuid,uuid> [--ttl 1h]

Prints a user access token signed by the dev issuer of \`npm start\` (RS256, audience JWT_AUDIENCE or
pats-api), granting the given workspaces. --ttl takes 30s, 15m, 1h, 7d (default 1h).

  TOKEN=$(npm run -s token -- --sub alice --workspaces c0ffee00-0000-4000-8000-000000000001)`;

runCli(USAGE, async () => {
  const { values } = parseOptions(process.argv.slice(2), {
    sub: { type: 'string' },
    workspaces: { type: 'string' },
    ttl: { type: 'string', default: '1h' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.sub === undefined || values.sub.trim() === '') throw new UsageError('--sub is required');
  if (values.workspaces === undefined) throw new UsageError('--workspaces is required');
  const workspaces = values.workspaces.split(',').map((raw) => {
    const uuid = normaliseUuid(raw);
    if (uuid === undefined) throw new UsageError(`--workspaces: "${raw}" is not a UUID`);
    return uuid;
  });
  const ttlSeconds = parseDuration(values.ttl);
  if (ttlSeconds === undefined)
    throw new UsageError(`--ttl: "${values.ttl}" is not a duration such as 30s, 15m, 1h or 7d`);

  const config = loadLocalConfig();
  if (config.external !== undefined) {
    throw new Error(
      'JWT_ISSUER is set: tokens come from that issuer. Unset JWT_ISSUER to use the dev issuer.',
    );
  }
  const token = devToken(loadOrCreateDevKey(config.dataDir), {
    issuer: devIssuerUrl(config.devIssuerPort),
    audience: config.audience,
    subject: values.sub.trim(),
    workspaces,
    ttlSeconds,
    workspaceClaim: config.workspaceClaim,
  });
  process.stdout.write(`${token}\n`);
});
