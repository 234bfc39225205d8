// @ts-check
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, globalIgnores } from 'eslint/config';
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Layers of DESIGN.md (docs/architecture.md, Layers). Each unit is a set of files; it may import
// only the units listed, src/errors.ts (a shared leaf) and itself. Data flows down this list.
const coreLayers = {
  util: [],
  state: ['util'],
  rdd: ['util'],
  streaming: ['rdd', 'state', 'util'],
  receiver: ['streaming', 'rdd', 'util'],
  dstream: ['receiver', 'streaming', 'rdd', 'state', 'util'],
  sources: ['receiver', 'dstream', 'streaming', 'rdd', 'util'],
  // Reserved for what several sinks share, so that one sink never imports another.
  'sinks/core': ['rdd', 'util'],
  testing: ['sources', 'receiver', 'dstream', 'streaming', 'rdd', 'state', 'util'],
};

// Integrations are subpath exports (`dstream/kafka`, `dstream/sinks/files`...): a user who does not
// import one does not load it. So none imports another, and no core layer imports any of them.
const sourceIntegration = ['receiver', 'dstream', 'streaming', 'rdd', 'util'];
// A sink writes RDDs (through foreachRDD); it needs nothing from the streaming engine.
const sinkIntegration = ['sinks/core', 'rdd', 'util'];
// Every folder of src/sinks but core is a sink, checked from its first file even if not listed here.
const sinkFolders = new Set(['files', 'jdbc', 'redis', ...foldersIn('src/sinks')]);
sinkFolders.delete('core');
const integrations = {
  'sources/kafka': sourceIntegration,
  'sources/flume': sourceIntegration,
  ...Object.fromEntries([...sinkFolders].map((sink) => [`sinks/${sink}`, sinkIntegration])),
  // As in Spark, SQL works on RDDs. `sqlStream(stream, ...)` needs DStream's type, never its code
  // (type-only: see the rule on src/sql below; docs/architecture.md, "SQL on DuckDB").
  sql: ['dstream', 'rdd', 'util'],
  // The UI learns everything from listener events, as Spark's does.
  ui: ['streaming', 'util'],
};

const integrationFolders = Object.keys(integrations);
const sourceIntegrationNames = integrationFolders
  .filter((folder) => folder.startsWith('sources/'))
  .map((folder) => folder.slice('sources/'.length));
// The files of each unit, as globs from the repository root.
const unitFiles = {
  ...Object.fromEntries(Object.keys(coreLayers).map((unit) => [unit, [`src/${unit}/**`]])),
  // The built-in sources (queue, socket, file) and their index: src/sources less its integrations.
  sources: [`src/sources/!(${sourceIntegrationNames.join('|')})/**`, 'src/sources/*.ts'],
  ...Object.fromEntries(integrationFolders.map((unit) => [unit, [`src/${unit}/**`]])),
  cli: ['src/cli/**'],
};
const zones = Object.entries({ ...coreLayers, ...integrations }).map(([unit, allowed]) => ({
  target: unitFiles[unit],
  from: Object.keys(unitFiles)
    .filter((other) => other !== unit && !allowed.includes(other))
    .flatMap((other) => unitFiles[other]),
  message: `src/${unit} may only import from: ${allowed.join(', ') || 'nothing'} (and src/errors.ts). See docs/architecture.md, Layers.`,
}));
zones.push(
  // src/errors.ts is imported by every layer, so it imports none but util.
  {
    target: 'src/errors.ts',
    from: Object.keys(unitFiles)
      .filter((unit) => unit !== 'util')
      .flatMap((unit) => unitFiles[unit]),
    message: 'src/errors.ts is a shared leaf: it may only import from util.',
  },
  // The package entry imports every layer, so a layer importing it is a cycle; only the CLI may.
  {
    target: Object.keys(unitFiles)
      .filter((unit) => unit !== 'cli')
      .flatMap((unit) => unitFiles[unit]),
    from: 'src/index.ts',
    message: 'Only src/cli may import the package entry src/index.ts: import the layer itself.',
  },
);

/** The folders directly inside `dir` (a path from the repository root); none if it is missing. */
function foldersIn(dir) {
  const path = join(import.meta.dirname, dir);
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

export default defineConfig(
  globalIgnores(['dist/', '.tmp/', 'bench/.work/', 'node_modules/', 'docs/api/']),
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
      // Only runtime cycles count (import-x always skips `import type`): a runtime cycle can meet
      // a class before its module has defined it; a type-only import is erased when compiled.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones, basePath: import.meta.dirname }],
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
    // Attached operations (module augmentation) are for the core only: an integration adds an
    // entry point (KafkaUtils, FlumeUtils, SparkSession), so importing a subpath never changes
    // the classes every user sees. One exception: dstream/sql names its DataFrame as the type of
    // the core's `rdd.toDF` (Spark's implicits; docs/architecture.md, "SQL on DuckDB").
    files: [...integrationFolders, 'sinks/core'].map((folder) => `src/${folder}/**`),
    ignores: ['src/sql/implicits.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSModuleDeclaration[id.type="Literal"]',
          message:
            'No module augmentation in an integration: export an entry point instead (docs/architecture.md, Layers).',
        },
      ],
    },
  },
  {
    // dstream/sql may name DStream's type (sqlStream) but not load the stream layer's code.
    files: ['src/sql/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../dstream/*'],
              allowTypeImports: true,
              message:
                'src/sql imports only types from src/dstream (docs/architecture.md, SQL on DuckDB).',
            },
          ],
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
