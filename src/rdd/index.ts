// The RDD layer. Importing it attaches the transformations to the RDD class.
import './rdd-functions.js';
import './pair-rdd-functions.js';
import './sql-functions.js';

export { RDD } from './rdd.js';
export { SparkContext, type SparkContextOptions } from './spark-context.js';
export { HashPartitioner, type Partitioner } from './partitioner.js';
export { StorageLevel } from './storage-level.js';
export { Broadcast } from './broadcast.js';
export {
  AccumulatorV2,
  LongAccumulator,
  DoubleAccumulator,
  CollectionAccumulator,
} from './accumulator.js';
export { defaultPartitioner, type Partitioning } from './pair-rdd-internals.js';
export type { TaskContext, Emit } from './task-context.js';
export { SourceRDD } from './narrow/source-rdd.js';
export {
  registerPartitionReader,
  type PartitionSource,
  type PartitionReader,
} from './partition-source.js';
export type { TaskRunner, Task, TaskThreadInfo } from './scheduler/task-runner.js';
export type { DataFrameOf, SqlImplicits, SqlInputRow, SqlRow, SqlSchema } from './sql-implicits.js';
export {
  OffsetRange,
  hasOffsetRanges,
  type HasOffsetRanges,
  type TopicPartition,
} from './offset-range.js';
