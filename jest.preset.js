// Shared Jest settings: TypeScript through @swc/jest (legacy decorators for TypeORM, no
// decorator metadata, as at run time under tsx/esbuild), jose transformed (ESM-only upstream).
const path = require('node:path');

/** @param {string} dir the project's root @param {string} name its display name */
module.exports = function preset(dir, name) {
  return {
    displayName: name,
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    transform: {
      '^.+\\.(t|j)sx?$': [
        '@swc/jest',
        {
          jsc: {
            target: 'es2022',
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: false },
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
    globalSetup: path.join(__dirname, 'libs/testing/src/global-setup.js'),
    testTimeout: 60_000,
  };
};
