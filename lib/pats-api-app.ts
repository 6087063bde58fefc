import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readAppSettings } from './app-context';
import { PatsApiStack } from './pats-api-stack';

/** The stack's name for a stage, e.g. `PatsApi-dev` (also the template's file name in cdk.out). */
export const stackName = (stage: string) => `PatsApi-${stage}`;

/**
 * Builds the whole app from its context: the stack for the chosen stage, checked by cdk-nag's
 * AWS Solutions and Serverless packs at synth. `bin/pats-api.ts` and the tests both use it.
 */
export function buildPatsApiApp(app: App): PatsApiStack {
  const settings = readAppSettings(app.node);
  const stack = new PatsApiStack(app, stackName(settings.stage.name), {
    settings,
    description: `PATs API (${settings.stage.name}): personal access tokens, managed with user JWTs`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return stack;
}
