/**
 * dstream's public test kit: run a graph on a manual clock, batch by batch, and get what it
 * produced. The engine's own tests use it exactly as applications do.
 */
// The layers whose index attaches operations, as the package entry imports them: a test that
// imports only 'dstream/testing' still gets the complete classes.
import '../rdd/index.js';
import '../dstream/index.js';
import '../sources/index.js';

export {
  runBatches,
  createManualContext,
  type RunBatchesOptions,
  type ManualContextOptions,
} from './run-batches.js';
export { TestInputStream } from './test-input-stream.js';
export { simulateCrash } from './simulate-crash.js';
export { ManualClock } from '../util/clock.js';
