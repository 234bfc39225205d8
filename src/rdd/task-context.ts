/** What a task knows about itself while it computes one partition. */
export interface TaskContext {
  readonly stageId: number;
  readonly partitionId: number;
}

/** Receives the elements of a partition, one call per element. */
export type Emit<T> = (item: T) => void;
