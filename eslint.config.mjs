// `npm run lint`, and test/unit/lint.test.ts in `npm test`: the recommended rules of ESLint and typescript-eslint.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'test-output/**'] },
  {
    files: ['{apps,libs,workflows,activities,scripts,bench,test}/**/*.{ts,js,mjs}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A leading underscore marks a parameter kept for its position; `const { by: _by, ...rest }` leaves fields out.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Every control character in our patterns is there on purpose: input sanitising and terminal colour codes.
      'no-control-regex': 'off',
      // async-exit-hook ships no type declarations, so scripts/start-stack.ts requires it.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^async-exit-hook$'] }],
    },
  },
  {
    // The plain .js files (scripts/) are CommonJS, run by Node as they are.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
