/** What a task knows about itself while it computes one partition. */
export interface TaskContext {
  /** The stage the task belongs to, as Spark's `TaskContext.stageId()`. */
  readonly stageId: number;
  /** The partition the task computes, as Spark's `TaskContext.partitionId()`. */
  readonly partitionId: number;
}

/** Receives the elements of a partition, one call per element. */
export type Emit<T> = (item: T) => void;
