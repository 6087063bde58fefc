import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A header by name, in any case. API Gateway lower-cases header names, but a hand-written event
 * (`sam local invoke`, a direct invocation) may not.
 */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const exact = headers[name];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
