/**
 * Jest for mutation testing (`npm run test:mutation`): the suites that exercise `lambda/` directly
 * (the domain, the adapters, the config, the handlers, and `test/integration/`: every route's
 * handler and the credential authorizer against DynamoDB Local and a real issuer).
 */
const base = require('./jest.config.js');

module.exports = { ...base, roots: ['<rootDir>/test/lambda', '<rootDir>/test/integration'], maxWorkers: 1 };
