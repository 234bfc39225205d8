// `RDD.toDebugString()`: the lineage drawn as Spark draws it. The root line starts with its
// partition count; a parent read through a shuffle starts a new stage, drawn `+-(n)` one level
// deeper; parents in the same stage continue the stage's `|` column. With several parents, all
// but the last keep a `|` column open for those below them.
import type { RDD } from './rdd.js';

interface Dependency {
  readonly rdd: RDD<unknown>;
  readonly shuffle: boolean;
}

/** The lineage of `rdd`, one line per RDD, in Spark's format. */
export function debugString(rdd: RDD<unknown>): string {
  return first(rdd).join('\n');
}

/** `Class[id] at <site> [<storage level>]`. */
function self(rdd: RDD<unknown>): string {
  const level = rdd.getStorageLevel();
  return `${rdd.describe()} [${level.isValid ? level.description : ''}]`;
}

function dependencies(rdd: RDD<unknown>): Dependency[] {
  return [
    ...rdd.narrowParents.map((p) => ({ rdd: p, shuffle: false })),
    ...rdd.shuffleDependencies.map((d) => ({ rdd: d.rdd, shuffle: true })),
  ];
}

/** The column a stage of `(n)` continues in: under the digits, then the text's indentation. */
function stageColumn(partitions: string): string {
  const left = Math.floor((partitions.length - 1) / 2);
  return ' '.repeat(left) + '|' + ' '.repeat(partitions.length - left);
}

function first(rdd: RDD<unknown>): string[] {
  const partitions = `(${rdd.numPartitions})`;
  const next = stageColumn(partitions);
  return [`${partitions} ${self(rdd)}`, ...children(rdd, next)];
}

function children(rdd: RDD<unknown>, prefix: string): string[] {
  const deps = dependencies(rdd);
  return deps.flatMap((d, i) => line(d, prefix, i === deps.length - 1));
}

function line(dep: Dependency, prefix: string, isLast: boolean): string[] {
  if (!dep.shuffle) return [prefix + self(dep.rdd), ...children(dep.rdd, prefix)];
  const partitions = `(${dep.rdd.numPartitions})`;
  // The stage's own `|` column ends here: the shuffle's `+-` takes its place.
  const here = prefix.replace(/\|\s+$/, '');
  const next = here + (isLast ? '  ' : '| ') + stageColumn(partitions);
  return [`${here}+-${partitions} ${self(dep.rdd)}`, ...children(dep.rdd, next)];
}
