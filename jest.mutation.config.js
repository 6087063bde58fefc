/**
 * Jest for mutation testing (`npm run test:mutation`): the suites that exercise `lambda/` directly
 * (the domain, the adapters, the config, the handlers, and `test/integration/`: every route's
 * handler and the credential authorizer against DynamoDB Local and a real issuer).
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/lambda', '<rootDir>/test/integration'],
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
