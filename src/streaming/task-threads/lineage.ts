import { HashPartitioner } from '../../rdd/partitioner.js';
import type { RDD } from '../../rdd/rdd.js';
import type { ShuffleMapTaskSpec } from '../../rdd/scheduler/task-runner.js';
import { originOf, type RddOrigin } from './origin.js';
import type { ShuffleLink } from './protocol.js';
import type { ProvidedRdd } from './runtime.js';

/** What the streaming layer tells the runner about the graph (kept out of the RDD layer). */
export interface StreamLineageSource {
  /** The graph's zero time, once the context has started. */
  zeroTimeMs(): number | undefined;
  /** The streams of the graph (ids and classes): a task thread must build the same. */
  graphSignature(): string;
  /**
   * Whether the RDDs of a stream are computed from state the driver holds (state streams,
   * incremental windows): task threads never compute them, nor replay that stream for a task.
   */
  isPinned(streamId: number): boolean;
  /**
   * The driver's RDDs that task threads read instead of computing, for a task of batch
   * `batchTimeMs`: input batches (their data is on the driver only) and earlier state.
   */
  providedRdds(
    batchTimeMs: number,
  ): Iterable<{ streamId: number; timeMs: number; rdd: RDD<unknown> }>;
}

/** An RDD of the map side that no stream created: the driver computes it and ships it. */
export interface ShippedRdd {
  readonly rddId: number;
  readonly numPartitions: number;
}

/**
 * How a thread finds what a map task splits. `owner`: it replays the stream that created the RDD
 * reading the shuffle, and uses that RDD's dependency `depIndex` (its aggregator combines on the
 * map side). `mapSide`: the shuffle does not combine on the map side and places keys with a
 * HashPartitioner, so the thread needs only the map side: it replays that RDD's stream and places
 * keys among `hashPartitions`.
 */
export type MapTarget =
  | {
      readonly kind: 'owner';
      readonly origin: RddOrigin;
      readonly rddClass: string;
      readonly depIndex: number;
    }
  | {
      readonly kind: 'mapSide';
      readonly origin: RddOrigin;
      readonly rddClass: string;
      readonly hashPartitions: number;
    };

/** How the task threads run the map tasks of one shuffle, shared by its tasks. */
export interface MapStagePlan {
  readonly target: MapTarget;
  readonly mapPartitions: number;
  readonly zeroTimeMs: number;
  readonly provided: readonly ProvidedRdd[];
  /** RDDs of the map side created outside stream computations, in {@link walkMapSide} order. */
  readonly shipped: readonly ShippedRdd[];
  readonly shuffles: readonly ShuffleLink[];
  /** The map side as {@link walkMapSide} saw it on the driver. */
  readonly shape: string;
  /** The driver's RDDs that task threads may fetch partitions of, by id. */
  readonly fetchable: ReadonlyMap<number, RDD<unknown>>;
}

/** What a walk of a map side finds, in an order both sides of the thread boundary share. */
export interface MapSideVisitor {
  /** True for an RDD the driver provides (no need to look at its parents). */
  provided(rdd: RDD<unknown>): boolean;
  /** An RDD no stream created (its parents are not visited). */
  external(rdd: RDD<unknown>): void;
  /** An RDD a stream created that reads shuffles (their map sides are not visited). */
  readsShuffles(rdd: RDD<unknown>, origin: RddOrigin): void;
}

/**
 * Visits the lineage a map task computes, depth first through narrow parents in order: the
 * driver and the task thread walk their own copies of it the same way, so that the n-th RDD found
 * on one side is the n-th on the other. Returns the shape of what it saw (classes, partition
 * counts): a thread whose replay built another lineage sees another shape.
 */
export function walkMapSide(root: RDD<unknown>, visitor: MapSideVisitor): string {
  const seen = new Set<RDD<unknown>>();
  const shape: string[] = [];
  const visit = (r: RDD<unknown>): void => {
    if (seen.has(r)) {
      shape.push('^');
      return;
    }
    seen.add(r);
    if (visitor.provided(r)) {
      shape.push(`driver:${r.numPartitions}`);
      return;
    }
    // What the driver prepared asynchronously (fromAsync) is read from it, never recomputed here.
    const origin = r.needsPreparation ? undefined : originOf(r);
    if (!origin) {
      shape.push(`shipped:${r.numPartitions}`);
      visitor.external(r);
      return;
    }
    shape.push(`${r.constructor.name}:${r.numPartitions}(`);
    if (r.shuffleDependencies.length > 0) visitor.readsShuffles(r, origin);
    for (const p of r.narrowParents) visit(p);
    shape.push(')');
  };
  visit(root);
  return shape.join('');
}

/**
 * Plans a map stage for task threads, or says why it must run on the driver. A task thread can
 * run it when a stream's computation created the RDD that reads the shuffle and the map side
 * (the thread replays that computation). Input batches, earlier state, RDDs created outside
 * stream computations and the outputs of earlier shuffles are read from the driver.
 */
export function planMapStage(
  spec: ShuffleMapTaskSpec,
  source: StreamLineageSource,
): MapStagePlan | string {
  const dep = spec.owner.shuffleDependencies[spec.depIndex]!;
  const mapSide = originOf(dep.rdd);
  if (!mapSide) return `the map side (${describe(dep.rdd)}) was not created by a stream`;
  if (source.isPinned(mapSide.streamId)) return `${describe(dep.rdd)} reads state of the driver`;
  const owner = originOf(spec.owner);
  let target: MapTarget;
  if (owner && !source.isPinned(owner.streamId)) {
    const rddClass = spec.owner.constructor.name;
    target = { kind: 'owner', origin: owner, rddClass, depIndex: spec.depIndex };
  } else if (!dep.mapSideCombine && dep.partitioner instanceof HashPartitioner) {
    const rddClass = dep.rdd.constructor.name;
    const hashPartitions = dep.partitioner.numPartitions;
    target = { kind: 'mapSide', origin: mapSide, rddClass, hashPartitions };
  } else {
    return `${describe(spec.owner)} combines with functions only the driver's graph holds`;
  }
  const zeroTimeMs = source.zeroTimeMs();
  if (zeroTimeMs === undefined) return 'the streaming context has not started';
  const provided: ProvidedRdd[] = [];
  const fetchable = new Map<number, RDD<unknown>>();
  for (const { streamId, timeMs, rdd } of source.providedRdds(target.origin.timeMs)) {
    const p = rdd.partitioner;
    provided.push({
      streamId,
      timeMs,
      rddId: rdd.id,
      numPartitions: rdd.numPartitions,
      hashPartitions: p instanceof HashPartitioner ? p.numPartitions : undefined,
    });
    fetchable.set(rdd.id, rdd);
  }
  const shipped: ShippedRdd[] = [];
  const shuffles: ShuffleLink[] = [];
  let problem: string | undefined;
  const shape = walkMapSide(dep.rdd, {
    provided: (r) => {
      const origin = originOf(r);
      if (origin && source.isPinned(origin.streamId)) {
        problem ??= `${describe(r)} reads state of the driver`;
        return true;
      }
      if (!fetchable.has(r.id)) return false;
      if (r.partitioner && !(r.partitioner instanceof HashPartitioner)) {
        problem ??= `${describe(r)} has a partitioner task threads cannot rebuild`;
      }
      return true;
    },
    external: (r) => {
      shipped.push({ rddId: r.id, numPartitions: r.numPartitions });
      fetchable.set(r.id, r);
    },
    readsShuffles: (r, origin) => {
      // Its shuffles ran already (parents first): the thread reads their outputs from the driver.
      shuffles.push({ origin, shuffleIds: r.shuffleDependencies.map((d) => d.shuffleId) });
    },
  });
  if (problem !== undefined) return problem;
  return {
    target,
    mapPartitions: dep.rdd.numPartitions,
    zeroTimeMs,
    provided,
    shipped,
    shuffles,
    shape,
    fetchable,
  };
}

/** An RDD in words that stay the same from batch to batch (debug lines are logged once each). */
function describe(rdd: RDD<unknown>): string {
  const origin = originOf(rdd);
  const where = origin ? `of stream ${origin.streamId}` : 'made outside streams';
  return `a ${rdd.constructor.name} ${where}`;
}

/** The same map stage in every batch: the replayed stream and creation index, the dependency. */
export function stageKind({ target }: MapStagePlan): string {
  const { streamId, index } = target.origin;
  return `${target.kind}:${streamId}:${index}:${target.kind === 'owner' ? target.depIndex : ''}`;
}
