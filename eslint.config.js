// @ts-check
import { join } from 'node:path';
import { defineConfig, globalIgnores } from 'eslint/config';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Layers of DESIGN.md: data flows down this list; nothing imports from a layer above its own.
const layers = {
  util: [],
  state: ['util'],
  rdd: ['util'],
  streaming: ['rdd', 'state', 'util'],
  dstream: ['receiver', 'streaming', 'rdd', 'state', 'util'],
  receiver: ['streaming', 'rdd', 'util'],
  sinks: ['rdd', 'util'],
  sources: ['receiver', 'dstream', 'streaming', 'rdd', 'util'],
  ui: ['streaming', 'util'],
  testing: ['sources', 'receiver', 'dstream', 'streaming', 'rdd', 'state', 'util'],
};
const all = [...Object.keys(layers), 'cli'];
const zones = Object.entries(layers).map(([layer, allowed]) => ({
  target: `./src/${layer}`,
  from: all.filter((l) => l !== layer && !allowed.includes(l)).map((l) => `./src/${l}`),
  message: `src/${layer} may only import from: ${allowed.join(', ') || 'nothing'} (DESIGN.md layers)`,
}));

export default defineConfig(
  globalIgnores(['dist/', '.tmp/', 'bench/.work/', 'node_modules/']),
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      // Sources import '../x.js' (the compiled name) of a file 'x.ts': without this resolver no
      // import resolves, and the layer and cycle rules below silently check nothing.
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: join(import.meta.dirname, 'tsconfig.json'),
          extensionAlias: { '.js': ['.ts', '.js'] },
        }),
      ],
      // Files import-x parses to follow imports (no-cycle); the default is .js only.
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      // Time and Duration print as Spark prints them ('1000 ms'): templates use their toString.
      '@typescript-eslint/restrict-template-expressions': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Read time through util/clock.ts.' },
      ],
      'no-restricted-globals': [
        'error',
        {
          name: 'setTimeout',
          message: 'Schedule through util/clock.ts (a ManualClock must see it).',
        },
        {
          name: 'setInterval',
          message: 'Schedule through util/clock.ts (a ManualClock must see it).',
        },
      ],
    },
  },
  {
    files: ['src/util/clock.ts', 'test/**', 'bench/**', 'examples/**', 'src/cli/**'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-globals': 'off' },
  },
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
