import { normaliseUuid } from '../../lambda/domain/uuid';
import { loadOrCreateDevKey } from '../dev-issuer';
import { devToken, forSettings, parseDuration } from '../dev-token';
import { devIssuerUrl, loadLocalConfig, localApiUrl } from '../local-config';
import { parseOptions, runCli, UsageError } from './cli-support';

const USAGE = `Usage:
  npm run pat -- create --workspace <uuid> --name <name> --scopes read,write [--expires-in 30d | --expires-at <RFC 3339>]
  npm run pat -- list   --workspace <uuid> [--limit 20] [--all]
  npm run pat -- revoke --workspace <uuid> --id <uuid>
  npm run pat -- rotate --workspace <uuid> --id <uuid> [--expires-in 30d | --expires-at <RFC 3339>]

Talks to the PATs API: the local one of \`npm start\` by default (http://localhost:PORT, with a dev
token for the workspace), or a deployed stage with --api-url <ApiUrl> --token <user JWT> (or the
PATS_API_TOKEN variable, which keeps the token out of your shell history). create and rotate print
the new token once; the API never shows it again. --json prints the API's answer as it is.`;

/** A user JWT of the dev issuer for the workspace: only for the local API, which trusts that issuer. */
function localDevToken(
  config: ReturnType<typeof loadLocalConfig>,
  workspaceId: string,
  apiUrl: string | undefined,
) {
  if (apiUrl !== undefined || config.externalIssuer) {
    throw new UsageError(
      '--token (or PATS_API_TOKEN) is required: a user JWT from the issuer the API trusts',
    );
  }
  return devToken(loadOrCreateDevKey(config.dataDir), {
    ...forSettings(config.functions.jwt, devIssuerUrl(config.devIssuerPort)),
    subject: config.cli.user,
    workspaces: [workspaceId],
    ttlSeconds: 300,
  });
}

function expiryOf(expiresIn: string | undefined, expiresAt: string | undefined): { expiresAt?: string } {
  if (expiresIn !== undefined && expiresAt !== undefined)
    throw new UsageError('give --expires-in or --expires-at, not both');
  if (expiresAt !== undefined) return { expiresAt };
  if (expiresIn === undefined) return {};
  const seconds = parseDuration(expiresIn);
  if (seconds === undefined) throw new UsageError('--expires-in must be a duration such as 30d, 12h or 90m');
  return { expiresAt: new Date(Date.now() + seconds * 1000).toISOString() };
}

/** The API over HTTP: one method per request, the API's own error message on failure. */
class PatsApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly workspaceId: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          'x-workspace-id': this.workspaceId,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new Error(
        `cannot reach the PATs API at ${this.baseUrl}: is \`npm start\` running (or --api-url right)?`,
      );
    }
    const text = await response.text();
    const answer = text === '' ? undefined : (JSON.parse(text) as { message?: string; errors?: unknown[] });
    if (!response.ok) {
      const details = answer?.errors !== undefined ? ` ${JSON.stringify(answer.errors)}` : '';
      throw new Error(`${method} ${path}: ${response.status} ${answer?.message ?? ''}${details}`);
    }
    return answer;
  }
}

runCli(USAGE, async () => {
  const { values, positionals } = parseOptions(
    process.argv.slice(2),
    {
      workspace: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      'expires-in': { type: 'string' },
      'expires-at': { type: 'string' },
      limit: { type: 'string' },
      all: { type: 'boolean', default: false },
      'api-url': { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [command, ...extra] = positionals;
  if (command !== 'create' && command !== 'list' && command !== 'revoke' && command !== 'rotate') {
    throw new UsageError('the first word must be create, list, revoke or rotate');
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const workspaceId = normaliseUuid(values.workspace);
  if (workspaceId === undefined) throw new UsageError('--workspace must be a workspace UUID');
  const id = command === 'revoke' || command === 'rotate' ? normaliseUuid(values.id) : undefined;
  if ((command === 'revoke' || command === 'rotate') && id === undefined)
    throw new UsageError('--id must be a PAT UUID');

  const config = loadLocalConfig();
  const apiUrl = (values['api-url'] ?? localApiUrl(config)).replace(/\/+$/, '');
  const token = values.token ?? config.cli.apiToken ?? localDevToken(config, workspaceId, values['api-url']);
  const api = new PatsApi(apiUrl, token, workspaceId);

  if (command === 'list') {
    const limit = values.limit ?? '20';
    const pages: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = (await api.call(
        'GET',
        `/api/v1/pats?${new URLSearchParams({ limit, ...(cursor ? { cursor } : {}) })}`,
      )) as {
        data: unknown[];
        nextCursor?: string;
      };
      pages.push(...page.data);
      cursor = values.all ? page.nextCursor : undefined;
    } while (cursor !== undefined);
    process.stdout.write(`${JSON.stringify(pages, null, 2)}\n`);
    return;
  }
  if (command === 'revoke') {
    await api.call('DELETE', `/api/v1/pats/${id}`);
    process.stdout.write(`Revoked PAT ${id}.\n`);
    return;
  }
  const expiresAt = expiryOf(values['expires-in'], values['expires-at']);
  const body =
    command === 'create'
      ? {
          name: values.name,
          scopes: (values.scopes ?? '').split(',').map((scope) => scope.trim()),
          ...expiresAt,
        }
      : expiresAt;
  if (command === 'create' && (values.name === undefined || values.scopes === undefined)) {
    throw new UsageError('create needs --name and --scopes');
  }
  const created = (await api.call(
    'POST',
    command === 'create' ? '/api/v1/pats' : `/api/v1/pats/${id}/rotate`,
    body,
  )) as {
    data: {
      id: string;
      workspaceId: string;
      name: string;
      scopes: string[];
      expiresAt?: string;
      token: string;
    };
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(created)}\n`);
    return;
  }
  const pat = created.data;
  process.stdout.write(
    [
      command === 'create'
        ? `Created PAT ${pat.id} in workspace ${pat.workspaceId}.`
        : `Rotated PAT ${id}: its successor is ${pat.id}.`,
      `  name:    ${pat.name}`,
      `  scopes:  ${pat.scopes.join(', ')}`,
      ...(pat.expiresAt !== undefined ? [`  expires: ${pat.expiresAt}`] : []),
      `  token:   ${pat.token}`,
      'The token is shown only now: only its SHA-256 is stored.',
      '',
    ].join('\n'),
  );
});
