import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { normaliseUuid } from '../../lambda/domain/uuid';
import { parseDuration } from '../dev-token';
import { localDocumentClient } from '../embedded-store';
import { loadLocalConfig, localDynamoDbEndpoint } from '../local-config';
import { createPat, listPats } from '../pat-admin';
import { parseOptions, runCli, UsageError } from './cli-support';

const USAGE = `Usage:
  npm run pat -- create --workspace <uuid> --name <name> --scopes read,write [--expires-in 30d] [--created-by <sub>] [--table <name>]
  npm run pat -- list --workspace <uuid> [--table <name>]

Without --table it uses the store of \`npm start\` (DYNAMODB_ENDPOINT, or localhost:DYNAMODB_PORT) and
table TABLE_NAME (default pats). With --table it uses that deployed table with your AWS credentials
and region (AWS_PROFILE, AWS_REGION). The secret is printed once and stored only as its SHA-256.`;

const SCOPE = /^[a-z][a-z0-9:_-]{0,63}$/;

runCli(USAGE, async () => {
  const { values, positionals } = parseOptions(
    process.argv.slice(2),
    {
      workspace: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      'expires-in': { type: 'string' },
      'created-by': { type: 'string' },
      table: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const [command, ...extra] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command !== 'create' && command !== 'list')
    throw new UsageError('the first word must be create or list');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const workspaceId = normaliseUuid(values.workspace);
  if (workspaceId === undefined) throw new UsageError('--workspace must be a workspace UUID');

  const config = loadLocalConfig();
  const deployed = values.table !== undefined;
  const tableName = values.table ?? config.tableName;
  const endpoint = localDynamoDbEndpoint(config);
  const client = deployed
    ? DynamoDBDocumentClient.from(new DynamoDBClient({}))
    : localDocumentClient(endpoint);

  try {
    if (command === 'list') {
      const pats = await listPats(client, tableName, workspaceId);
      process.stdout.write(`${JSON.stringify(pats, null, 2)}\n`);
      return;
    }
    const name = values.name?.trim();
    if (name === undefined || name === '' || name.length > 200)
      throw new UsageError('--name is required (1 to 200 characters)');
    const scopes = (values.scopes ?? '').split(',').map((scope) => scope.trim());
    if (scopes.length === 0 || !scopes.every((scope) => SCOPE.test(scope))) {
      throw new UsageError('--scopes must be a comma-separated list such as read,write');
    }
    let expiresAt: string | undefined;
    if (values['expires-in'] !== undefined) {
      const seconds = parseDuration(values['expires-in']);
      if (seconds === undefined)
        throw new UsageError('--expires-in must be a duration such as 30d, 12h or 90m');
      expiresAt = new Date(Date.now() + seconds * 1000).toISOString();
    }
    const { secret, record } = await createPat(client, tableName, {
      workspaceId,
      name,
      scopes,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(values['created-by'] !== undefined ? { createdBy: values['created-by'] } : {}),
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...record, secret })}\n`);
    } else {
      process.stdout.write(
        [
          `Created PAT ${record.id} in workspace ${record.workspaceId} (table ${tableName}).`,
          `  name:    ${record.name}`,
          `  scopes:  ${record.scopes.join(', ')}`,
          ...(record.expiresAt !== undefined ? [`  expires: ${record.expiresAt}`] : []),
          `  secret:  ${secret}`,
          'The secret is shown only now: only its SHA-256 is stored.',
          '',
        ].join('\n'),
      );
    }
  } catch (error) {
    if (!deployed && /ECONNREFUSED/.test(String((error as Error).message ?? error))) {
      throw new Error(`cannot reach the local store at ${endpoint}: is \`npm start\` running?`);
    }
    if ((error as Error).name === 'ResourceNotFoundException')
      throw new Error(`table ${tableName} does not exist`);
    throw error;
  } finally {
    client.destroy();
  }
});
