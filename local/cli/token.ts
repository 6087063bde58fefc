import { JWT } from '../../lambda/config/schema';
import { normaliseUuid } from '../../lambda/domain/uuid';
import { loadOrCreateDevKey } from '../dev-issuer';
import { devToken, forSettings, parseDuration } from '../dev-token';
import { devIssuerUrl, loadLocalConfig } from '../local-config';
import { parseOptions, runCli, UsageError } from './cli-support';

const USAGE = `Usage: npm run token -- --sub <user> --workspaces <uuid,uuid> [--ttl 1h]

Prints a user access token signed by the dev issuer of \`npm start\` (RS256, the functions' first
audience), granting the given workspaces. --ttl takes 30s, 15m, 1h, 7d (default 1h).

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
  if (config.externalIssuer) {
    const name = JWT.settings.issuer.env;
    throw new Error(`${name} is set: tokens come from that issuer. Unset ${name} to use the dev issuer.`);
  }
  const token = devToken(loadOrCreateDevKey(config.dataDir), {
    ...forSettings(config.functions.jwt, devIssuerUrl(config.devIssuerPort)),
    subject: values.sub.trim(),
    workspaces,
    ttlSeconds,
  });
  process.stdout.write(`${token}\n`);
});
