import type { ServerResponse } from 'node:http';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** API Gateway's own answers: a JSON `{"message": ...}` and nothing else (no `code`, no `Cache-Control`). */
export const GATEWAY_MESSAGES = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
} as const;

export type GatewayStatus = keyof typeof GATEWAY_MESSAGES;

export function gatewayAnswer(
  res: ServerResponse,
  status: GatewayStatus,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ message: GATEWAY_MESSAGES[status] });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'apigw-requestid': requestId,
    ...headers,
  });
  res.end(body);
}

/** A Lambda payload 2.0 result as API Gateway turns it into an HTTP response. */
export function writeResult(
  res: ServerResponse,
  result: APIGatewayProxyResultV2,
  requestId: string,
  extraHeaders: Record<string, string>,
): void {
  // A payload 2.0 result that is not an object with a statusCode is the body of a 200 (API Gateway's rule).
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? result
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const body =
    structured.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | string[]> = {
    ...stringHeaders(structured.headers),
    'apigw-requestid': requestId,
    ...extraHeaders,
  };
  if (structured.cookies !== undefined && structured.cookies.length > 0)
    headers['set-cookie'] = structured.cookies;
  headers['content-length'] = String(body.length);
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(body);
}

function stringHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = String(value);
  return result;
}

/** Paths go into the request log: cut them short and never print anything shaped like a token. */
export function printablePath(rawPath: string): string {
  const redacted = rawPath.replace(/eyJ[\w%-]*(\.[\w%-]*){0,2}/g, '[jwt]').replace(/pat_\w+/g, '[pat]');
  return redacted.length > 120 ? `${redacted.slice(0, 117)}...` : redacted;
}
