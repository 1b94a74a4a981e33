// Unit tests run without any cluster; the e2e project (test/e2e) talks to the real control plane from testenv/.
/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleFileExtensions: ['ts', 'js', 'json'],
    },
  ],
};
