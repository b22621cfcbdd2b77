/** Jest in ESM mode (Nest 12 is ESM-only): run through `npm test`, which sets --experimental-vm-modules. */
const swc = {
  swcrc: false,
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
};

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@app/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // ESM-only and `require`d by @fastify/static: see the stand-in's comment.
    '^content-disposition$': '<rootDir>/test/support/content-disposition.cjs',
  },
  setupFiles: ['reflect-metadata'],
  testMatch: ['<rootDir>/{apps,libs,scripts,test}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
