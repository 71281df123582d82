// One lint configuration for the whole repository. The architecture lives here as rules:
// core is pure, adapters lean on core, apps wire packages, nothing imports an app, the sandbox is test-only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

const ioLibraries = [
  'kafkajs',
  'node-zendesk',
  'pino',
  'pino-*',
  'prom-client',
  'undici',
  'node:*',
  'fs',
  'fs/*',
  'http',
  'https',
  'net',
  'tls',
  'dgram',
  'child_process',
  'worker_threads',
  'cluster',
  'dns',
];

/** Who may import whom, by Nx project tag. Test files get the sandbox and the broker tool on top. */
function constraints({ testing }) {
  const testOnly = testing ? ['type:testing', 'type:tool'] : [];
  return [
    { sourceTag: 'type:domain', onlyDependOnLibsWithTags: [], bannedExternalImports: ioLibraries },
    { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', ...testOnly] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', ...testOnly] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', ...testOnly] },
    {
      sourceTag: 'type:tool',
      onlyDependOnLibsWithTags: ['type:domain', 'type:adapter', 'type:testing', 'type:tool'],
    },
  ];
}

const boundaries = (testing) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    {
      enforceBuildableLibDependency: false,
      // The shared vitest settings (source condition) live at the root; every vitest.config.ts imports them.
      allow: ['../../vitest.shared.mjs'],
      allowCircularSelfDependency: false,
      checkDynamicDependenciesExceptions: [],
      depConstraints: constraints({ testing }),
    },
  ],
});

const testFiles = ['**/*.test.ts', '**/testing/**/*.ts', '**/vitest.config.ts', '**/test/**/*.ts'];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/docs/api/**',
      '**/.cache/**',
      '**/.nx/**',
      '**/coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { '@nx': nx },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  { files: ['**/*.ts'], ignores: testFiles, rules: boundaries(false) },
  {
    // Nx does not see Node's built-in modules as external imports; ban them in core explicitly.
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', ...ioLibraries.filter((name) => !name.startsWith('node:'))],
              message: 'core is pure: no I/O.',
            },
          ],
        },
      ],
    },
  },
  { files: testFiles, rules: boundaries(true) },
);
