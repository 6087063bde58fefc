/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Transpile only: `npm run typecheck` (tsc) does the type checking once for the whole tree.
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          target: 'ES2022',
          esModuleInterop: true,
          allowJs: true,
          isolatedModules: true,
        },
      },
    ],
  },
  // Middy is ESM-only: let ts-jest turn it into CommonJS like the rest.
  transformIgnorePatterns: ['node_modules/(?!@middy)'],
  testTimeout: 30_000,
  // One DynamoDB Local (a JVM) for the whole run; every suite makes its own tables in it.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Several suites start servers and CDK synths; two workers match the 2-core machine.
  maxWorkers: 2,
};
