// Every attached operation has a doc comment, and every example in the sources' doc comments compiles
// against the sources, as user code importing 'dstream' (see test/support/doc-examples.ts for what
// the examples may use undeclared: `ssc`, `lines`, `pairs`, `Seconds`...).
import { describe, expect, it } from 'vitest';
import { allExamples, attachedOperations, typeCheckExamples } from '../support/doc-examples.js';

const operations = attachedOperations();

describe('the doc comments of attached operations', () => {
  it('are found, for every family', () => {
    const families = new Set(operations.map((op) => op.name.slice(0, op.name.lastIndexOf('.'))));
    expect([...families].sort()).toEqual([
      'src/dstream/context-functions.ts: ContextFunctions',
      'src/dstream/dstream-operations.ts: DStreamOperations',
      'src/dstream/map-with-state.ts: MapWithStateOperations',
      'src/dstream/output-operations.ts: OutputOperations',
      'src/dstream/pair-dstream-functions.ts: PairDStreamFunctions',
      'src/dstream/sql-operations.ts: SqlOperations',
      'src/dstream/state-dstream.ts: StateOperations',
      'src/dstream/window-operations.ts: WindowOperations',
      'src/rdd/pair-rdd-functions.ts: PairRDDFunctions',
      'src/rdd/rdd-functions.ts: RDDFunctions',
      'src/rdd/sql-functions.ts: SqlFunctions',
      'src/sources/file/index.ts: FileStreamFunctions',
      'src/sources/queue/index.ts: QueueStreamFunctions',
      'src/sources/socket/index.ts: SocketStreamFunctions',
    ]);
  });

  it('exist for every operation', () => {
    expect(operations.filter((op) => op.summary === '').map((op) => op.name)).toEqual([]);
  });

  it('have examples', () => {
    const withExamples = operations.filter((op) => op.examples.length > 0);
    expect(withExamples.length).toBeGreaterThan(20);
  });
});

// Every example of the API reference (`npm run docs:api`), not only the attached operations':
// the examples of classes, functions, options and the integrations' subpaths.
describe('the @example blocks of every doc comment in src', () => {
  const examples = allExamples();

  it("are found, the attached operations' among them", () => {
    const attached = operations.reduce((n, op) => n + op.examples.length, 0);
    expect(examples.length).toBeGreaterThan(attached);
  });

  it('compile, as user code importing dstream', { timeout: 120_000 }, () => {
    expect(typeCheckExamples(examples)).toEqual([]);
  });
});
