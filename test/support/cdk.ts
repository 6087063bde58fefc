import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildPatsApiApp } from '../../lib/pats-api-app';
import type { PatsApiStack } from '../../lib/pats-api-stack';

export const BASE_CONTEXT = { jwtIssuer: 'https://issuer.example.com', jwtAudience: 'pats-api' };

/**
 * Synthesizes the real app (the same `buildPatsApiApp` the CLI runs) with the given context.
 * Bundling is skipped unless asked for: most assertions are about the template, and esbuild's
 * output is covered by the tests that build it.
 */
export function synth(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean } = {},
): { app: App; stack: PatsApiStack; template: Template } {
  const app = new App({
    context: {
      ...BASE_CONTEXT,
      ...context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = buildPatsApiApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}
