// Reads the doc comments of attached operations (the interfaces a class extends in a
// `declare module` block of a file that calls `attachOperations`), and type-checks their
// ```ts examples as the user code they are, against the sources (`'dstream'` maps to src/).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export const root = join(import.meta.dirname, '..', '..');

/** One attached operation: where it is declared, and its doc comment's parts. */
export interface DocumentedOperation {
  /** `src/dstream/pair-dstream-functions.ts: PairDStreamFunctions.join` */
  name: string;
  /** The doc comment's text before its tags; empty when it has none. */
  summary: string;
  /** The code of each ```ts block of its `@example` tags. */
  examples: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The names of the interfaces that `declare module` blocks of `file` make a class extend. */
function augmentingInterfaces(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (!ts.isModuleDeclaration(statement) || !statement.body) continue;
    if (!ts.isModuleBlock(statement.body)) continue;
    for (const inner of statement.body.statements) {
      if (!ts.isInterfaceDeclaration(inner)) continue;
      for (const clause of inner.heritageClauses ?? []) {
        for (const type of clause.types) names.add(type.expression.getText(file));
      }
    }
  }
  return names;
}

function examplesOf(tags: readonly ts.JSDocTag[]): string[] {
  const blocks: string[] = [];
  for (const tag of tags) {
    if (tag.tagName.text !== 'example') continue;
    const text = ts.getTextOfJSDocComment(tag.comment) ?? '';
    for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) blocks.push(m[1]!);
  }
  return blocks;
}

/** Every attached operation of the sources, in file order; overloads count once (the first). */
export function attachedOperations(): DocumentedOperation[] {
  const operations: DocumentedOperation[] = [];
  for (const path of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(path, 'utf8');
    if (!/^attachOperations\(/m.test(text)) continue;
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const interfaces = augmentingInterfaces(file);
    for (const statement of file.statements) {
      if (!ts.isInterfaceDeclaration(statement) || !interfaces.has(statement.name.text)) continue;
      const seen = new Set<string>();
      for (const member of statement.members) {
        const memberName = member.name?.getText(file) ?? '';
        if (seen.has(memberName)) continue;
        seen.add(memberName);
        const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
        const doc = docs.at(-1);
        operations.push({
          name: `${relative(root, path)}: ${statement.name.text}.${memberName}`,
          summary: ts.getTextOfJSDocComment(doc?.comment)?.trim() ?? '',
          examples: examplesOf(doc?.tags ?? []),
        });
      }
    }
  }
  return operations;
}

/**
 * Every ```ts block of every `@example` tag in the sources, wherever the comment is (classes,
 * functions, options, module comments; not the CLI's): what the API reference shows, so it must compile. Named
 * `src/file.ts:line` after the line the block starts on.
 */
export function allExamples(): DocumentedOperation[] {
  const found: DocumentedOperation[] = [];
  const cli = join(root, 'src', 'cli');
  for (const path of sourceFiles(join(root, 'src'))) {
    if (path.startsWith(cli)) continue; // the command line's code, no API
    const text = readFileSync(path, 'utf8');
    for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const lines = comment[0].split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
      const startLine = text.slice(0, comment.index).split('\n').length;
      let inExample = false;
      for (let i = 0; i < lines.length; i++) {
        if (/^@\w+/.test(lines[i]!)) inExample = lines[i]!.startsWith('@example');
        if (!inExample || lines[i]!.trim() !== '```ts') continue;
        const end = lines.findIndex((line, j) => j > i && line.trim() === '```');
        if (end < 0) continue;
        found.push({
          name: `${relative(root, path)}:${startLine + i}`,
          summary: '',
          examples: [lines.slice(i + 1, end).join('\n') + '\n'],
        });
        i = end;
      }
    }
  }
  return found;
}

/**
 * What the examples may use without declaring it, as the docs' readers would have it: a context,
 * streams and RDDs named after what they hold, and dstream's values. An example that imports a
 * name shadows these.
 */
const PRELUDE = `
import * as dstream from 'dstream';
declare global {
  const ssc: dstream.StreamingContext;
  const sc: dstream.SparkContext;
  const lines: dstream.DStream<string>;
  const words: dstream.DStream<string>;
  const nums: dstream.DStream<number>;
  const pairs: dstream.DStream<readonly [string, number]>;
  /** [word, count] pairs */
  const counts: dstream.DStream<readonly [string, number]>;
  const wordCounts: dstream.DStream<readonly [string, number]>;
  // A type, not an interface: rows of SQL (index signatures) accept it.
  type Order = { orderId: string; province: string; amount: number };
  const orders: dstream.DStream<Order>;
  /** A Kafka direct stream of orders, \`province,amount\` text values */
  const stream: import('dstream/kafka').DirectKafkaInputDStream<string, string>;
  /** [province, amount] of a Kafka record of an order */
  function parse(record: import('dstream/kafka').ConsumerRecord<string, string>): [readonly [string, number]];
  /** [adId, user] pairs */
  const clicks: dstream.DStream<readonly [string, string]>;
  /** [adId, page] pairs */
  const impressions: dstream.DStream<readonly [string, string]>;
  class MyReceiver extends dstream.Receiver<string> {
    onStart(): void;
    onStop(): void;
  }
  const Milliseconds: typeof dstream.Milliseconds;
  const Seconds: typeof dstream.Seconds;
  const Minutes: typeof dstream.Minutes;
  const StateSpec: typeof dstream.StateSpec;
  type StateSpec<K, V, S, R> = dstream.StateSpec<K, V, S, R>;
  type State<S> = dstream.State<S>;
  const HashPartitioner: typeof dstream.HashPartitioner;
  const StorageLevel: typeof dstream.StorageLevel;
  type HashPartitioner = dstream.HashPartitioner;
}
`;

/** The compiler's errors for each example, as `name #n: message` lines; none when all compile. */
export function typeCheckExamples(operations: DocumentedOperation[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  // Virtual files beside the tests, so that the package's `"type": "module"` makes them ES
  // modules (top-level await) and `paths` maps 'dstream' to the sources.
  const dir = join(root, 'test', 'types', '.doc-examples');
  const virtual = new Map<string, string>([[join(dir, 'prelude.ts'), PRELUDE]]);
  const owners = new Map<string, string>();
  for (const [i, op] of operations.entries()) {
    for (const [j, code] of op.examples.entries()) {
      const path = join(dir, `example-${i}-${j}.ts`);
      virtual.set(path, `${code}\nexport {};\n`);
      owners.set(path, `${op.name} #${j + 1}`);
    }
  }
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (path, language, ...rest) => {
    const text = virtual.get(path);
    return text === undefined
      ? getSourceFile(path, language, ...rest)
      : ts.createSourceFile(path, text, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (path) => virtual.has(path) || fileExists(path);
  const readFile = host.readFile.bind(host);
  host.readFile = (path) => virtual.get(path) ?? readFile(path);
  const program = ts.createProgram([...virtual.keys()], config.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const owner = (d.file && owners.get(d.file.fileName)) ?? d.file?.fileName ?? 'the program';
    const line =
      d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    return `${owner}, line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
