#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { AppContextError } from '../lib/app-context';
import { buildPatsApiApp } from '../lib/pats-api-app';

const app = new App();
try {
  buildPatsApiApp(app);
} catch (error) {
  // A missing or wrong context value is the user's to fix: say how, without a stack trace.
  if (!(error instanceof AppContextError)) throw error;
  console.error(error.message);
  process.exit(1);
}
