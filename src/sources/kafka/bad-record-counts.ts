import { BroadcastChannel, isMainThread } from 'node:worker_threads';

// Bad records are found wherever a partition is read: on the driver, or in a local[N] task thread.
// Their counts meet on the driver (the main thread), per consumer group, until the group's stream
// takes them into its next batch's input info. A thread posts its counts on a broadcast channel,
// which reaches the driver in the same process without a message of the task protocol.

/** Bad records of a group since the stream last took them. */
export interface BadRecordCounts {
  skipped: number;
  deadLettered: number;
}

interface Posted {
  readonly groupId: string;
  readonly kind: keyof BadRecordCounts;
  readonly count: number;
}

const CHANNEL = 'dstream.kafka.badRecords';

interface Shared {
  readonly tally: Map<string, BadRecordCounts>;
  channel: BroadcastChannel | undefined;
}

// On globalThis, so that two copies of dstream in one process count together.
const SHARED = Symbol.for('dstream.kafka.badRecordCounts');
const holder = globalThis as { [SHARED]?: Shared };
const shared: Shared = (holder[SHARED] ??= { tally: new Map(), channel: undefined });

function add({ groupId, kind, count }: Posted): void {
  let counts = shared.tally.get(groupId);
  if (!counts) shared.tally.set(groupId, (counts = { skipped: 0, deadLettered: 0 }));
  counts[kind] += count;
}

function channel(): BroadcastChannel {
  if (shared.channel) return shared.channel;
  const c = new BroadcastChannel(CHANNEL);
  // Never what keeps a process alive.
  c.unref();
  if (isMainThread) c.onmessage = (e) => add((e as { data: Posted }).data);
  return (shared.channel = c);
}

// The driver listens from the moment Kafka is loaded: before any task thread can post.
if (isMainThread) channel();

/** Counts `count` bad records of `groupId` found in this thread. */
export function countBadRecords(groupId: string, kind: keyof BadRecordCounts, count: number): void {
  const posted: Posted = { groupId, kind, count };
  if (isMainThread) add(posted);
  else channel().postMessage(posted);
}

/** On the driver: the bad records of `groupId` counted since the last call (none: undefined). */
export function takeBadRecordCounts(groupId: string): BadRecordCounts | undefined {
  const counts = shared.tally.get(groupId);
  shared.tally.delete(groupId);
  return counts;
}

/**
 * On the driver, for a batch's input info: `badRecords`, the records of `groupId` that reads left
 * out since the previous batch (a batch's own are counted as its tasks read, so they show in the
 * next batch), or nothing when there were none.
 */
export function badRecordsMetadata(groupId: string): { badRecords?: BadRecordCounts } {
  const counts = takeBadRecordCounts(groupId);
  return counts ? { badRecords: counts } : {};
}
