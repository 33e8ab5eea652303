// Lint: typescript-eslint's recommended rules for TS and Svelte, plus the realm rules of the layout:
// the page never imports tfjs; pure modules never import the DOM-facing or tfjs realms.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const noTfjs = {
  patterns: [
    { group: ['@tensorflow/*'], message: 'The page never imports tfjs: the GPU belongs to the worker.' },
    {
      group: ['**/model/*', '!**/model/model-config', '!**/model/tokenizer', '**/train/*'],
      message: 'model/ and train/ import tfjs; the page talks to them through src/worker/client.ts.',
    },
  ],
};

export default ts.config(
  {
    ignores: ['dist/', 'dist-e2e/', 'node_modules/', 'bench-results/', 'test-results/', '.device/', 'test-artifacts/'],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'svelte/no-at-html-tags': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  // The e2e build's page modules (test/e2e/hooks/page) run on the page too.
  {
    files: ['src/ui/**', 'src/App.svelte', 'src/main.ts', 'test/e2e/hooks/page/**'],
    rules: { 'no-restricted-imports': ['error', noTfjs] },
  },
  {
    files: ['src/tasks/**', 'src/analysis/**', 'src/experiment/**', 'src/export/**', 'src/util/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tensorflow/*', 'comlink', 'idb', 'svelte', 'svelte/*'],
              message: 'Pure modules import nothing but each other and small utilities.',
            },
          ],
        },
      ],
    },
  },
);
