// Unit tests run without any cluster. The e2e project (test/e2e) talks to the real control plane that
// testenv/ builds from the Go module proxy and starts once per run (globalSetup; compiled by `npm test`'s build).
// `npm test` runs the e2e project in band, one file at a time: CAPD binds fixed ports (one CAPD per machine) and the
// CAPI files start several API servers each, so files running side by side on a bigger machine would collide.
/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.tsx?$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  // e2e tests wait for a real control plane (probes, namespace deletion); unit tests never come near this.
  testTimeout: 120000,
  // After jest's summary: every test that did not run, named (a missing prerequisite says what and how to get it).
  reporters: ['default', '<rootDir>/testenv/jest-skipped-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/lib/testenv/jest-setup.js',
      globalTeardown: '<rootDir>/lib/testenv/jest-teardown.js',
    },
  ],
};
