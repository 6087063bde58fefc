/**
 * Jest for mutation testing (`npm run test:mutation`): the suites that exercise `lambda/` directly
 * (the handler against dynalite and a real issuer, the adapters, the domain, the config).
 */
const base = require('./jest.config.js');

module.exports = { ...base, roots: ['<rootDir>/test/lambda'], maxWorkers: 1 };
