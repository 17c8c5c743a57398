// Lint: typescript-eslint strict, plus the layering of docs/architecture.md enforced per folder.
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
/** Test fakes and test code never ship inside another layer. */
const NOT_SHIPPED = ['**/testing/**', '**/test/**'];

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
  // The layers (docs/architecture.md): each folder lists what it must not import at runtime.
  layer(
    ['src/core/**'],
    [...ABOVE_CORE, ...ADAPTERS, ...NODE_ONLY, '**/dsp/**', '**/testing/**', 'comlink'],
    'core depends on nothing above it (docs/architecture.md)',
  ),
  layer(
    ['src/dsp/**'],
    ['../*', ...NODE_ONLY, 'comlink'],
    'dsp is pure: it runs in workers and worklets',
  ),
  layer(
    ['src/transport/**'],
    [...ADAPTERS, ...NODE_ONLY, '**/element/**', '**/audio/**', '**/video/**', ...NOT_SHIPPED],
    'a transport is wire and codec only: no media, faces or test code',
  ),
  layer(
    ['src/worker/**'],
    [
      ...ADAPTERS,
      ...NODE_ONLY,
      '**/element/**',
      '**/audio/**',
      '**/video/**',
      ...NOT_SHIPPED,
      // The worker runs the wire and the pipes, never the session: only errors cross at runtime.
      '**/core/*',
      '!**/core/errors.ts',
    ],
    'the worker holds sockets and pipes: no session, main-thread media or faces',
  ),
  layer(
    ['src/audio/**', 'src/video/**'],
    [
      ...ADAPTERS,
      ...NODE_ONLY,
      '**/element/**',
      '**/worker/**',
      '**/transport/*',
      '!**/transport/assets.ts',
      ...NOT_SHIPPED,
    ],
    'media graphs talk to the transport through ports, not imports',
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
    ['src/index.ts'],
    [...ADAPTERS, ...NODE_ONLY, '**/element/**', '**/worker/**', ...NOT_SHIPPED],
    'the root entry runs in Node (SSR): no element, no worker internals, no test code',
  ),
  layer(
    ['src/element/**'],
    [...ADAPTERS, ...NODE_ONLY, '**/worker/**', ...NOT_SHIPPED],
    'the element builds on the session, media and transport, never on test code',
  ),
  layer(
    ['src/react/**', 'src/vue/**'],
    [
      ...NODE_ONLY,
      '**/core/**',
      '**/transport/**',
      '**/worker/**',
      '**/audio/**',
      '**/video/**',
      '**/dsp/**',
      ...NOT_SHIPPED,
    ],
    'adapters use the root entry and the element only (types from anywhere)',
  ),
  layer(
    ['src/testing/**'],
    [...ADAPTERS, ...NODE_ONLY, '**/element/**', '**/worker/**', '**/audio/**'],
    'the fakes stand in for the transport and media: they import core and the codec only',
  ),
  layer(
    ['src/server/**', 'src/emulator/**'],
    [
      '**/element/**',
      '**/audio/**',
      '**/worker/**',
      '**/video/**',
      '**/react/**',
      '**/vue/**',
      ...NOT_SHIPPED,
    ],
    'server code never imports browser code',
  ),
  {
    files: ['test/**', 'bench/**', 'scripts/**', 'demo/**', '*.config.*'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
