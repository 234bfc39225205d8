import type { ShuffleBucket } from './shuffle-dependency.js';

/**
 * Holds the map outputs of every shuffle, so that a second action on the same RDD skips the map
 * stage (as Spark keeps shuffle files). Outputs are dropped when their dependency is garbage.
 */
export class ShuffleManager {
  private nextId = 0;
  private readonly outputs = new Map<number, (ShuffleBucket[] | undefined)[]>();
  private readonly cleaner = new FinalizationRegistry<number>((id) => this.outputs.delete(id));
  /**
   * In a task thread: reads the outputs of shuffles that ran on the driver's side (returns
   * `undefined` for shuffles it does not know).
   */
  remote: ((shuffleId: number, reduceId: number) => ShuffleBucket[] | undefined) | undefined;

  register(dep: object): number {
    const id = this.nextId++;
    this.cleaner.register(dep, id);
    return id;
  }

  isComplete(shuffleId: number, numMaps: number): boolean {
    const out = this.outputs.get(shuffleId);
    if (!out) return numMaps === 0;
    for (let i = 0; i < numMaps; i++) if (!out[i]) return false;
    return true;
  }

  put(shuffleId: number, mapId: number, buckets: ShuffleBucket[]): void {
    let out = this.outputs.get(shuffleId);
    if (!out) this.outputs.set(shuffleId, (out = []));
    out[mapId] = buckets;
  }

  /** The buckets of reduce partition `reduceId` from every map partition. */
  read(shuffleId: number, reduceId: number): ShuffleBucket[] {
    const remote = this.remote?.(shuffleId, reduceId);
    if (remote) return remote;
    const out = this.outputs.get(shuffleId) ?? [];
    const buckets: ShuffleBucket[] = [];
    for (const m of out) {
      const b = m?.[reduceId];
      if (b && b.keys.length > 0) buckets.push(b);
    }
    return buckets;
  }

  remove(shuffleId: number): void {
    this.outputs.delete(shuffleId);
  }

  clear(): void {
    this.outputs.clear();
  }
}
