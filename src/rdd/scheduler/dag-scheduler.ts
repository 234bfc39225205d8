import type { RDD } from '../rdd.js';
import type { ShuffleDependency } from '../shuffle/shuffle-dependency.js';
import type { ShuffleManager } from '../shuffle/shuffle-manager.js';
import type { BlockManager } from '../block-manager.js';
import type { TaskRunner } from './task-runner.js';

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
    for (const dep of this.missingShuffles(rdd)) await this.runMapStage(dep);
    const stageId = this.nextStageId++;
    const parts = partitions ?? Array.from({ length: rdd.numPartitions }, (_, i) => i);
    return this.runner.runTasks(
      parts.map((p) => () => func(rdd.partitionArray(p, { stageId, partitionId: p }), p)),
    );
  }

  private async runMapStage(dep: ShuffleDependency): Promise<void> {
    const stageId = this.nextStageId++;
    const rdd = dep.rdd;
    const outputs = await this.runner.runTasks(
      Array.from(
        { length: rdd.numPartitions },
        (_, p) => () => dep.writePartition(p, { stageId, partitionId: p }),
      ),
    );
    outputs.forEach((buckets, mapId) => this.shuffles.put(dep.shuffleId, mapId, buckets));
  }

  /** Shuffles with missing outputs in the lineage of `rdd`, each after those it depends on. */
  private missingShuffles(rdd: RDD<unknown>): ShuffleDependency[] {
    const ordered: ShuffleDependency[] = [];
    const seen = new Set<number>();
    const visit = (r: RDD<unknown>): void => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      if (r.isPersisted && this.blocks.hasAll(r.id, r.numPartitions)) return;
      for (const p of r.narrowParents) visit(p);
      for (const dep of r.shuffleDependencies) {
        if (this.shuffles.isComplete(dep.shuffleId, dep.rdd.numPartitions)) continue;
        visit(dep.rdd);
        if (!ordered.includes(dep)) ordered.push(dep);
      }
    };
    visit(rdd);
    return ordered;
  }
}
