// ESLint with type information (typescript-eslint's recommended type-checked rules).
// `npm run lint` runs it with the dependency rules and the formatter check; `npm test` runs
// `npm run lint` first.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'eslint.config.js',
      'vitest*.config.ts',
      'node_modules/',
      'cdk.out/',
      '.local/',
      '.bench/',
      '.deploy/',
      'coverage/',
      'clients/typescript/dist/',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a value left out on purpose (e.g. a field dropped from a view by destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Values read from untyped JSON (typed `unknown` or `{}`) are turned into text on purpose;
      // the rule cannot tell them from objects without a useful toString.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Tests read JSON answers and fixtures whose shape is what they assert; typing every body
    // would restate the OpenAPI document. The assertions catch a wrong shape.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Messages and keys interpolate JSON values whatever their type.
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Stubs stand in for async interfaces (handlers, stores) without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // CloudFormation templates as JSON: properties differ per resource type, and each reader
    // checks the few it uses.
    files: ['infra/templates.ts', 'bench/cost-model.ts', 'bench/cost.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
