// Lint: typescript-eslint strict, plus the layering of STYLE.md enforced per folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Import patterns a layer may not use. */
const layer = (files, patterns, message) => ({
  files,
  rules: {
    // Type-only imports cross layers freely (@google/genai's LiveConnectConfig in core).
    'no-restricted-imports': [
      'error',
      { patterns: [{ group: patterns, message, allowTypeImports: true }] },
    ],
  },
});
const ABOVE_CORE = [
  '**/transport/**',
  '**/worker/**',
  '**/audio/**',
  '**/video/**',
  '**/element/**',
];
const ADAPTERS = ['**/react/**', '**/vue/**', 'react', 'react-dom', 'vue'];
const NODE_ONLY = ['**/server/**', '**/emulator/**', 'node:*', 'ws', '@google/genai'];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'bench/results/',
      'bin/',
      'test/fixtures/',
      'python/.venv/',
      'python/build/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // noUncheckedIndexedAccess types every typed-array read as `number | undefined`; DSP loops
      // index within checked bounds, and `!` there is the honest, allocation-free spelling.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Public API is explicit: no export *.' },
      ],
    },
  },
  layer(
    ['src/core/**'],
    [...ABOVE_CORE, ...ADAPTERS, ...NODE_ONLY, '**/dsp/**', '**/testing/**', 'comlink'],
    'core depends on nothing above it (STYLE.md)',
  ),
  layer(
    ['src/dsp/**'],
    ['../*', ...NODE_ONLY, 'comlink'],
    'dsp is pure: it runs in workers and worklets',
  ),
  layer(
    ['src/transport/**', 'src/worker/**', 'src/audio/**', 'src/video/**'],
    [...ADAPTERS, ...NODE_ONLY, '**/element/**'],
    'media/transport layers stay below the faces',
  ),
  layer(
    ['worklets/**'],
    [
      '**/core/**',
      '**/transport/**',
      '**/worker/**',
      '**/audio/**',
      '**/element/**',
      'comlink',
      ...NODE_ONLY,
    ],
    'worklets are standalone (dsp only)',
  ),
  layer(
    ['src/element/**', 'src/react/**', 'src/vue/**'],
    NODE_ONLY,
    'browser faces never import Node-only code',
  ),
  {
    files: ['src/server/**', 'src/emulator/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/element/**', '**/audio/**', '**/worker/**', '**/react/**', '**/vue/**'],
              message: 'server code never imports browser code',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**', 'demo/**', '*.config.*'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
