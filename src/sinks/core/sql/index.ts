// What the SQL sinks share: the write flow, the rows' shaping and chunking, the rejected-row
// message. Each store's folder adds its dialect (dialect.ts) and a class over SqlSink.
export { SqlSink, type SqlSinkOptions, type WriteOptions, type WriteResult } from './sql-sink.js';
export { quoteIdentifier } from './dialect.js';
export type {
  PoolSettings,
  Rejection,
  ResultRow,
  SqlDialect,
  SqlParameter,
  SqlPool,
  SqlQueryable,
  Statement,
} from './dialect.js';
export {
  chunksOf,
  type Chunk,
  type ChunkLimits,
  type Row,
  type SqlValue,
  type TableWrite,
} from './rows.js';
