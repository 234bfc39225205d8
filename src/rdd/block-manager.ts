/** Keeps the partitions of persisted RDDs in memory, by RDD id and partition index. */
export class BlockManager {
  private readonly blocks = new Map<number, unknown[][]>();
  /**
   * In a task thread: emits the partitions of RDDs that the driver computes and ships (RDDs
   * created outside any stream's computation) and returns true; false for RDDs the thread
   * computes itself.
   */
  remote: ((rddId: number, split: number, emit: (item: unknown) => void) => boolean) | undefined;

  get<T>(rddId: number, split: number): T[] | undefined {
    return this.blocks.get(rddId)?.[split] as T[] | undefined;
  }

  put(rddId: number, split: number, block: unknown[]): void {
    let parts = this.blocks.get(rddId);
    if (!parts) this.blocks.set(rddId, (parts = []));
    parts[split] = block;
  }

  hasAll(rddId: number, numPartitions: number): boolean {
    const parts = this.blocks.get(rddId);
    if (!parts) return numPartitions === 0;
    for (let i = 0; i < numPartitions; i++) if (!parts[i]) return false;
    return true;
  }

  remove(rddId: number): void {
    this.blocks.delete(rddId);
  }

  clear(): void {
    this.blocks.clear();
  }
}
