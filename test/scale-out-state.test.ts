// The scale-out side of a state stream alone (src/dstream/scale-out-state.ts), over an input and a
// changelog in memory: what a batch writes, what a takeover restores (undoing a batch whose offsets
// were not committed), what a revocation drops, and the co-partitioning error.
import { describe, expect, it } from 'vitest';
import { DStreamError } from '../src/errors.js';
import { ScaleOutState } from '../src/dstream/scale-out-state.js';
import { KafkaPartitioner } from '../src/rdd/kafka-partitioner.js';
import { HashPartitioner } from '../src/rdd/partitioner.js';
import { OffsetRange } from '../src/rdd/offset-range.js';
import { StateMap } from '../src/state/index.js';
import type { ChangelogRecord, StateChangelog } from '../src/streaming/scale-out-input.js';
import { Time } from '../src/util/time.js';

const partitioner = new KafkaPartitioner(3);
/** A key of each partition. */
const keyOf = [0, 1, 2].map((p) => {
  for (let i = 0; ; i++) if (partitioner.getPartition(`k${i}`) === p) return `k${i}`;
});
const k1 = keyOf[1]!;

const changelog = new Map<number, ChangelogRecord[]>();
const memoryChangelog: StateChangelog = {
  topic: 'app-counts-changelog',
  append: (p, records) => {
    changelog.set(p, [...(changelog.get(p) ?? []), ...records]);
    return Promise.resolve();
  },
  readAll: (p) => Promise.resolve([...(changelog.get(p) ?? [])]),
};

/** A process's state stream: its maps, and the ranges its input read per batch. */
function process() {
  const ranges = new Map<number, OffsetRange[]>();
  const input = {
    dependencies: [],
    scaleOutInput: true,
    scaleOutRanges: (time: Time) => ranges.get(time.milliseconds) ?? [],
    openStateChangelog: () => Promise.resolve(memoryChangelog),
  };
  const stream = {
    dependencies: [input],
    stores: [0, 1, 2].map(() => new StateMap<string, number>()),
    partitioner,
    stateKey: 'counts',
    ssc: { sparkContext: { appName: 'app' } },
    toString: () => 'StateDStream[1]',
  };
  const state = ScaleOutState.of(stream as never) as ScaleOutState<string, number>;
  /** Runs batch `ms` reading `read` ([partition, from, until]), applying `changes` to the maps. */
  const batch = (
    ms: number,
    read: [number, number, number][],
    changes: [string, number | undefined][] = [],
  ) => {
    ranges.set(
      ms,
      read.map(([p, from, until]) => OffsetRange.create('t', p, from, until)),
    );
    return state.applyBatch(new Time(ms), 1000, () => {
      for (const store of stream.stores) store.beginVersion(ms);
      for (const [key, value] of changes) {
        const store = stream.stores[partitioner.getPartition(key)]!;
        const slot = store.lookup(key);
        if (value === undefined) store.remove(slot, key);
        else if (slot >= 0) store.update(slot, key, value, ms);
        else store.insert(key, value, ms);
      }
      for (const store of stream.stores) store.endVersion();
      return Promise.resolve();
    });
  };
  return { batch, get: (key: string) => stream.stores[partitioner.getPartition(key)]!.get(key) };
}

describe('scale-out state', () => {
  it('writes each batch, and a takeover restores as of where the input starts again', async () => {
    changelog.clear();
    const x = process();
    await x.batch(
      1000,
      [
        [0, 0, 5],
        [1, 0, 5],
        [2, 0, 5],
      ],
      [
        [k1, 1],
        [keyOf[2]!, 7],
      ],
    );
    await x.batch(
      2000,
      [
        [0, 5, 5],
        [1, 5, 9],
        [2, 5, 5],
      ],
      [[k1, 2]],
    );
    expect(changelog.get(1)).toHaveLength(2);
    expect(changelog.get(0) ?? []).toEqual([]);

    // Offsets committed through batch 2000: the latest state.
    const y = process();
    await y.batch(3000, [[1, 9, 9]]);
    expect(y.get(k1)).toBe(2);
    // Offsets committed through batch 1000 only (X died before committing 2000): batch 2000 is
    // read again, so k1 starts from its state before it.
    const z = process();
    await z.batch(3000, [[1, 5, 9]], [[k1, 99]]);
    expect(z.get(k1)).toBe(99);
    const z2 = process();
    await z2.batch(3000, [[1, 5, 5]]);
    expect(z2.get(k1)).toBe(1);
    // A partition it does not read is not restored.
    expect(z2.get(keyOf[2]!)).toBeUndefined();
  });

  it('a removed key stays removed, unless its removal is read again', async () => {
    changelog.clear();
    const x = process();
    await x.batch(1000, [[1, 0, 3]], [[k1, 1]]);
    await x.batch(2000, [[1, 3, 4]], [[k1, undefined]]);
    const after = process();
    await after.batch(3000, [[1, 4, 4]]);
    expect(after.get(k1)).toBeUndefined();
    const before = process();
    await before.batch(3000, [[1, 3, 4]]);
    expect(before.get(k1)).toBe(1);
  });

  it('drops the state of a partition no longer read, and rebuilds it when read again', async () => {
    changelog.clear();
    const x = process();
    await x.batch(
      1000,
      [
        [0, 0, 1],
        [1, 0, 1],
      ],
      [[k1, 1]],
    );
    await x.batch(2000, [[0, 1, 1]]);
    expect(x.get(k1)).toBeUndefined();
    await x.batch(3000, [
      [0, 1, 1],
      [1, 1, 1],
    ]);
    expect(x.get(k1)).toBe(1);
  });

  it('fails a batch whose key falls in a partition the process does not read', async () => {
    changelog.clear();
    const x = process();
    const failed = await x.batch(1000, [[0, 0, 1]], [[k1, 1]]).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DStreamError);
    expect((failed as DStreamError).code).toBe('DSTREAM_ERR_STATE_NOT_COPARTITIONED');
    expect((failed as Error).message).toContain(`got key "${k1}"`);
  });

  it('refuses a state over a scale-out stream without a KafkaPartitioner', () => {
    const input = { dependencies: [], scaleOutInput: true };
    const stream = {
      dependencies: [input],
      partitioner: new HashPartitioner(3),
      toString: () => 'S',
    };
    expect(() => ScaleOutState.of(stream as never)).toThrow(/give it new KafkaPartitioner/);
    // Without scale-out nothing changes.
    const plain = { dependencies: [{ dependencies: [], scaleOutInput: false }], partitioner };
    expect(ScaleOutState.of(plain as never)).toBeUndefined();
  });
});
