// Builds the API reference from the doc comments (TypeDoc, configured by typedoc.json: the
// package's public entry points, written to docs/api/) and checks it: every public export and
// member has a doc comment, every type a public signature names is public, every {@link}
// resolves. Any TypeDoc warning fails the build, unless scripts/api-docs-gaps.txt lists it: the
// gaps still to close, which may only shrink (a listed gap that is gone fails too, so the list
// says what is left). CI runs it (.ci/run). The examples in the comments are type-checked by
// test/types/doc-examples.test.ts.
//
// Usage: node scripts/api-docs.ts   (npm run docs:api)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Application,
  Comment,
  LiteralType,
  Logger,
  LogLevel,
  PackageJsonReader,
  TSConfigReader,
  ReflectionKind,
  TypeDocReader,
  type ProjectReflection,
} from 'typedoc';

const root = join(import.meta.dirname, '..');
const gapsFile = join(root, 'scripts', 'api-docs-gaps.txt');
const { values } = parseArgs({ options: { 'write-gaps': { type: 'boolean' } } });

/** TypeDoc's messages, kept instead of printed: the check decides which of them fail. */
class CollectingLogger extends Logger {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level === LogLevel.Warn) this.warnings.push(message);
    else if (level === LogLevel.Error) this.errors.push(message);
  }
}

function readGaps(): Set<string> {
  let text: string;
  try {
    text = readFileSync(gapsFile, 'utf8');
  } catch {
    return new Set();
  }
  return new Set(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')));
}

const app = await Application.bootstrapWithPlugins({ treatWarningsAsErrors: false }, [
  new TypeDocReader(),
  new PackageJsonReader(),
  new TSConfigReader(),
]);
const logger = new CollectingLogger();
app.logger = logger;
const project = await app.convert();
if (!project) {
  console.error(['api-docs: TypeDoc could not convert the sources:', ...logger.errors].join('\n'));
  process.exit(1);
}
describeErrorCodes(project);
app.validate(project);
const out = app.options.getValue('out');
await app.generateDocs(project, out);

/**
 * Each error code's entry in `ErrorCodes` has its description as its value (what docs/errors.md
 * lists): shown as its doc comment, it need not be written twice.
 */
function describeErrorCodes(project: ProjectReflection): void {
  for (const code of project.getReflectionsByKind(ReflectionKind.Property)) {
    if (code.comment || !code.getFullName().includes('ErrorCodes.')) continue;
    const type = 'type' in code ? code.type : undefined;
    if (!(type instanceof LiteralType) || typeof type.value !== 'string') continue;
    code.comment = new Comment([{ kind: 'text', text: `Raised for ${type.value}.` }]);
  }
}

const warnings = [...new Set(logger.warnings)].sort();
if (values['write-gaps']) {
  const header =
    '# Public API without a doc comment (or naming a type that is not public), as TypeDoc reports\n' +
    '# it: npm run docs:api fails on any other. Document one, then delete its line.\n';
  writeFileSync(gapsFile, header + warnings.map((w) => w + '\n').join(''));
}
const gaps = readGaps();
const fresh = warnings.filter((w) => !gaps.has(w));
const closed = [...gaps].filter((g) => !warnings.includes(g));
for (const e of logger.errors) console.error(`error: ${e}`);
for (const w of fresh) console.error(`warning: ${w}`);
for (const g of closed) console.error(`closed gap still listed in scripts/api-docs-gaps.txt: ${g}`);
const relativeOut = out.startsWith(root) ? out.slice(root.length + 1) : out;
console.log(
  `API reference in ${relativeOut}/index.html: ${fresh.length} new warnings, ` +
    `${logger.errors.length} errors, ${gaps.size - closed.length} known gaps left`,
);
process.exit(fresh.length + logger.errors.length + closed.length > 0 ? 1 : 0);
