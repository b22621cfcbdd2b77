import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/libs/*/src/**'], message: 'Import a lib through its alias (@app/<lib>).' }] },
      ],
    },
  },
  {
    // The layering of the architecture: domain and workflow never touch BullMQ or ioredis.
    files: ['libs/domain/**/*.ts', 'libs/workflow/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['bullmq', 'ioredis', '@nestjs/bullmq', '@app/storage'].map((name) => ({
            name,
            message: 'domain and workflow talk to ports; adapters live in libs/storage.',
          })),
        },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['bullmq', 'ioredis', '@nestjs/bullmq', '@nestjs/common', '@nestjs/core', '@app/storage', '@app/workflow'].map(
            (name) => ({ name, message: 'the domain depends on nothing but validation libraries.' }),
          ),
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
