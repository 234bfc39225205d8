// The RDD layer. Importing it attaches the transformations to the RDD class.
import './rdd-functions.js';
import './pair-rdd-functions.js';

export { RDD } from './rdd.js';
export { SparkContext, type SparkContextOptions } from './spark-context.js';
export { HashPartitioner, type Partitioner } from './partitioner.js';
export { defaultPartitioner, type Partitioning } from './pair-rdd-internals.js';
export type { TaskContext } from './task-context.js';
export type { TaskRunner, Task } from './scheduler/task-runner.js';
