// The queue of commitAsync: a commit that failed (the broker away at the next batch) is queued
// again, merged with what was queued since, so that the next batch commits it.
import { describe, expect, it } from 'vitest';
import { OffsetRange } from 'dstream/kafka';
import { CommitQueue, committedList } from '../src/sources/kafka/direct/commit-queue.js';

describe('CommitQueue', () => {
  it('a failed commit restored is committed by the next take, never moving an offset back', () => {
    const queue = new CommitQueue();
    queue.add([OffsetRange.create('t', 0, 0, 10), OffsetRange.create('t', 1, 0, 4)]);
    const failed = queue.take()!;
    // Meanwhile the next batch queued partition 0 further on.
    queue.add([OffsetRange.create('t', 0, 10, 15)]);
    queue.restore(failed.offsets);
    expect(committedList(queue.take()!.offsets)).toEqual([
      { topic: 't', partition: 0, offset: 15 },
      { topic: 't', partition: 1, offset: 4 },
    ]);
    expect(queue.take()).toBeUndefined();
  });
});
