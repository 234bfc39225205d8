import { runAttempts } from '../partition-source.js';
import { runCountingUpdates } from '../task-updates.js';
import type { RDD } from '../rdd.js';
import type { ShuffleDependency } from '../shuffle/shuffle-dependency.js';
import type { ShuffleManager } from '../shuffle/shuffle-manager.js';
import type { BlockManager } from '../block-manager.js';
import type { ShuffleMapTaskSpec, TaskRunner } from './task-runner.js';

/** A shuffle to run, with the RDD that reads it (the map tasks name it to task threads). */
interface MapStage {
  dep: ShuffleDependency;
  owner: RDD<unknown>;
  depIndex: number;
}

/**
 * Turns an action into stages, as Spark's DAGScheduler: every shuffle the RDD depends on whose map
 * outputs are missing runs first as a map stage (parents before children), then the result stage
 * runs the action's function on each requested partition.
 */
export class DAGScheduler {
  private nextStageId = 0;

  constructor(
    private readonly runner: TaskRunner,
    private readonly shuffles: ShuffleManager,
    private readonly blocks: BlockManager,
  ) {}

  async runJob<T, U>(
    rdd: RDD<T>,
    func: (items: T[], partition: number) => U | Promise<U>,
    partitions?: readonly number[],
  ): Promise<U[]> {
    for (const r of this.unprepared(rdd)) await r.prepare();
    for (const stage of this.missingShuffles(rdd)) await this.runMapStage(stage);
    const stageId = this.nextStageId++;
    const parts = partitions ?? Array.from({ length: rdd.numPartitions }, (_, i) => i);
    // A task whose partitions arrive asynchronously runs again once they have (runAttempts);
    // only the accumulator updates of the attempt that succeeds count (runCountingUpdates).
    return this.runner.runTasks(
      parts.map(
        (p) => () =>
          runAttempts(() =>
            runCountingUpdates(() => func(rdd.partitionArray(p, { stageId, partitionId: p }), p)),
          ),
      ),
    );
  }

  private async runMapStage({ dep, owner, depIndex }: MapStage): Promise<void> {
    const stageId = this.nextStageId++;
    const rdd = dep.rdd;
    const outputs = await this.runner.runTasks(
      Array.from({ length: rdd.numPartitions }, (_, p) => {
        const task = () =>
          runAttempts(() =>
            runCountingUpdates(() => dep.writePartition(p, { stageId, partitionId: p })),
          );
        const spec: ShuffleMapTaskSpec = {
          kind: 'shuffleMap',
          owner,
          depIndex,
          partition: p,
          stageId,
        };
        return Object.assign(task, { spec });
      }),
    );
    outputs.forEach((buckets, mapId) => this.shuffles.put(dep.shuffleId, mapId, buckets));
  }

  /**
   * RDDs of the lineage of `rdd` with asynchronous work to do before their partitions can be
   * computed (`fromAsync`), parents first.
   */
  private unprepared(rdd: RDD<unknown>): RDD<unknown>[] {
    const ordered: RDD<unknown>[] = [];
    this.visitUncomputed(rdd, (r) => {
      if (r.needsPreparation) ordered.push(r);
    });
    return ordered;
  }

  /** Shuffles with missing outputs in the lineage of `rdd`, each after those it depends on. */
  private missingShuffles(rdd: RDD<unknown>): MapStage[] {
    const ordered: MapStage[] = [];
    this.visitUncomputed(rdd, (r) => {
      r.shuffleDependencies.forEach((dep, depIndex) => {
        if (this.shuffles.isComplete(dep.shuffleId, dep.rdd.numPartitions)) return;
        if (!ordered.some((s) => s.dep === dep)) ordered.push({ dep, owner: r, depIndex });
      });
    });
    return ordered;
  }

  /**
   * Calls `visit` on each RDD of the lineage of `rdd` that a job would compute, parents (narrow
   * and shuffle map sides) before children, each once. A cached RDD and a shuffle whose outputs
   * are all there stop the walk: nothing behind them is computed again.
   */
  private visitUncomputed(rdd: RDD<unknown>, visit: (r: RDD<unknown>) => void): void {
    const seen = new Set<number>();
    const walk = (r: RDD<unknown>): void => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      if (r.isPersisted && this.blocks.hasAll(r.id, r.numPartitions)) return;
      for (const p of r.narrowParents) walk(p);
      for (const dep of r.shuffleDependencies) {
        if (!this.shuffles.isComplete(dep.shuffleId, dep.rdd.numPartitions)) walk(dep.rdd);
      }
      visit(r);
    };
    walk(rdd);
  }
}
