/**
 * Jest for mutation testing (`npm run test:mutation`): the suites that exercise `lambda/` directly
 * (the domain, the adapters, the config, the handlers, and `test/integration/`: every route's
 * handler and the credential authorizer against DynamoDB Local and a real issuer).
 */
const base = require('./jest.config.js');

// MUTATION_SCOPE=unit leaves test/integration/ out: every mutant of an adapter is "related" to
// all eight integration suites (they reach it through the composition root), and loading them
// costs about ten seconds a mutant here, against one or two for the adapter's own suite. The
// score it gives is a lower bound (fewer tests can only kill fewer mutants).
const unitOnly = process.env.MUTATION_SCOPE === 'unit';

module.exports = {
  ...base,
  // Stryker runs, for each mutant, only the test files that import the mutated file (Jest's
  // findRelatedTests). Jest follows imports only through files it has crawled, that is inside
  // `roots`: the roots hold every folder a test reaches lambda/ through (test/support, local/,
  // lib/), and testMatch picks the suites.
  roots: ['<rootDir>/test', '<rootDir>/lambda', '<rootDir>/local', '<rootDir>/lib'],
  testMatch: [
    '<rootDir>/test/lambda/**/*.test.ts',
    ...(unitOnly ? [] : ['<rootDir>/test/integration/**/*.test.ts']),
  ],
  // Left out, because they cover the whole request path and would run for nearly every mutant at
  // about 15 s a time: the Lambda entry points (wiring of the environment into the composition
  // root, covered piece by piece by the config and dependency suites) and the DynamoDB faults
  // seen through whole handlers (the same faults are injected under the repository in
  // test/lambda/adapters/dynamodb-faults.test.ts). npm test runs them all.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/lambda/handlers/',
    '<rootDir>/test/integration/dynamodb-faults',
  ],
  maxWorkers: 1,
};
