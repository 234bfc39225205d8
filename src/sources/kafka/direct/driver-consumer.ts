import { DStreamError, messageOf } from '../../../errors.js';
import { systemClock } from '../../../util/clock.js';
import { Logger } from '../../../util/logging.js';
import type { Admin, Consumer } from '@platformatic/kafka';
import { READ_UNCOMMITTED, clientOptions, ensureReachable, loadKafka } from '../client/load.js';
import type { Subscription } from './consumer-strategies.js';
import { byTopic, tpKey, tpName, tpOf, type OffsetMap } from './topic-partitions.js';

const log = new Logger('DirectKafkaInputDStream');

/** What the driver's consumer needs from the stream's Kafka parameters. */
export interface DriverConsumerSettings {
  readonly bootstrap: string[];
  readonly groupId: string;
  /** `auto.offset.reset`: where a partition without a committed offset starts. */
  readonly reset: 'earliest' | 'latest' | 'none';
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** How often topics (a pattern's) and partition counts are looked up again. */
  readonly metadataMaxAgeMs: number;
  /** How long the group waits for a member to rejoin (Kafka's `max.poll.interval.ms`). */
  readonly rebalanceTimeoutMs: number;
}

/** What a member that shares its group's partitions (scale-out) does around a rebalance. */
export interface RebalanceHooks {
  /**
   * Runs before every JoinGroup the consumer sends, whoever triggers it (a heartbeat that hears of
   * a rebalance, or the stream itself); the group waits for it up to the rebalance timeout.
   * Kafka's `onPartitionsRevoked` of the eager protocol: finish the work on what is owned now.
   */
  beforeJoin(): Promise<void>;
  /** After the group has given the consumer its partitions. */
  afterJoin(): void;
}

/**
 * The direct stream's consumer on the driver: it only asks for offsets and commits them (task
 * threads fetch the records). With `Subscribe` and `SubscribePattern` it is a member of the
 * stream's consumer group, which assigns it partitions and keeps heartbeating in the background;
 * with `Assign` it joins no group. The client's autocommit is never on: offsets are committed by
 * `commitAsync` only, after the application's outputs.
 */
export class DriverConsumer {
  private lastLookup = Number.NEGATIVE_INFINITY;
  private partitionCounts = new Map<string, number>();
  private readonly warnedMissing = new Set<string>();

  private constructor(
    private readonly subscription: Subscription,
    private readonly settings: DriverConsumerSettings,
    private readonly consumer: Consumer,
    private readonly admin: Admin,
  ) {}

  static async open(
    subscription: Subscription,
    settings: DriverConsumerSettings,
    hooks?: RebalanceHooks,
  ): Promise<DriverConsumer> {
    await ensureReachable(settings.bootstrap);
    const { Consumer, Admin } = await loadKafka();
    const options = clientOptions(settings.bootstrap, `dstream-driver-${settings.groupId}`);
    const consumer = new Consumer({
      ...options,
      groupId: settings.groupId,
      autocommit: false,
      // A restarted application gets its partitions back after at most this long: the group
      // waits for the member a crash left behind until its session times out.
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      // The client calls this before each JoinGroup and sends the join once it resolves: the one
      // moment a member can finish with its partitions before the group hands them on.
      ...(hooks && {
        protocolsMetadata: async () => {
          await hooks.beforeJoin();
          return Buffer.alloc(0);
        },
      }),
    });
    if (hooks) {
      consumer.on('consumer:group:join', () => hooks.afterJoin());
      consumer.on('error', (e: unknown) =>
        log.warn(`The Kafka group member of '${settings.groupId}' failed: ${messageOf(e)}`),
      );
    }
    const admin = new Admin({ ...options, clientId: `dstream-driver-admin-${settings.groupId}` });
    const driver = new DriverConsumer(subscription, settings, consumer, admin);
    try {
      if (subscription.kind === 'assign') await driver.checkAssigned(subscription.partitions);
      await driver.assignment();
    } catch (e) {
      await driver.close();
      throw e;
    }
    return driver;
  }

  /** The partitions the stream reads now (keys of {@link tpKey}). */
  async assignment(): Promise<string[]> {
    const s = this.subscription;
    if (s.kind === 'assign') return s.partitions.map((p) => tpKey(p.topic, p.partition));
    const now = systemClock.now();
    if (
      now - this.lastLookup >= this.settings.metadataMaxAgeMs ||
      this.consumer.memberId === null
    ) {
      this.lastLookup = now;
      const existing = await this.admin.listTopics();
      const topics =
        s.kind === 'subscribe'
          ? this.existingSubscribed(s.topics, existing)
          : existing.filter((t) => matchesWhole(s.pattern, t));
      const added = this.consumer.topics.trackAll(...topics).some(Boolean);
      const counts = await this.countPartitions(topics);
      const grown = [...counts].some(([t, n]) => (this.partitionCounts.get(t) ?? n) !== n);
      this.partitionCounts = counts;
      // Joining again makes the group assign the new topics or partitions.
      if (added || grown || this.consumer.memberId === null) await this.consumer.joinGroup({});
    }
    return this.currentAssignment();
  }

  /**
   * The subscribed topics that exist. One that does not is read from once it is created (looked
   * up again after `metadata.max.age.ms`), as Kafka's consumer waits for it; dstream never creates
   * a topic by reading it (the client asks for no automatic creation).
   */
  private existingSubscribed(subscribed: readonly string[], existing: readonly string[]): string[] {
    const known = new Set(existing);
    for (const t of subscribed) {
      if (known.has(t) || this.warnedMissing.has(t)) continue;
      this.warnedMissing.add(t);
      log.warn(
        `Subscribed topic '${t}' does not exist at ${this.settings.bootstrap.join(',')} (UNKNOWN_TOPIC_OR_PARTITION): the stream reads nothing of it until it is created (dstream kafka topics --create --topic ${t} --partitions <n>), and looks for it every metadata.max.age.ms (${this.settings.metadataMaxAgeMs} ms)`,
      );
    }
    return subscribed.filter((t) => known.has(t));
  }

  /**
   * Fails when an assigned partition does not exist, as Kafka's consumer fails to find its
   * position (after 60 s; here at once), with what to do.
   */
  async checkAssigned(partitions: readonly { topic: string; partition: number }[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const topics = [...new Set(partitions.map((p) => p.topic))].filter((t) => existing.has(t));
    const counts = await this.countPartitions(topics);
    const missing = partitions.filter((p) => p.partition >= (counts.get(p.topic) ?? 0));
    if (missing.length === 0) return;
    const names = missing.map((p) => `${p.topic}-${p.partition}`);
    throw new DStreamError(
      'DSTREAM_ERR_KAFKA_TOPIC',
      `Timeout of 60000ms expired before the position for partition ${names[0]} could be determined (Kafka's consumer says so after default.api.timeout.ms; dstream looked at once): ${names.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist at ${this.settings.bootstrap.join(',')}. Create the topic (dstream kafka topics --create --topic ${missing[0]!.topic} --partitions <n>), or correct the partitions given to ConsumerStrategies.Assign`,
    );
  }

  /** The partitions the group has given the consumer, as last heard (keys of {@link tpKey}). */
  currentAssignment(): string[] {
    const keys: string[] = [];
    for (const a of this.consumer.assignments ?? []) {
      for (const p of a.partitions) keys.push(tpKey(a.topic, p));
    }
    return keys;
  }

  /** The group's committed offsets of `keys`, for those that have one. */
  async committedOffsets(keys: readonly string[]): Promise<OffsetMap> {
    const topics = [...byTopic(keys)].map(([name, partitionIndexes]) => ({
      name,
      partitionIndexes,
    }));
    const committed: OffsetMap = new Map();
    if (topics.length === 0) return committed;
    const groups = await this.admin.listConsumerGroupOffsets({
      groups: [{ groupId: this.settings.groupId, topics }],
    });
    const group = groups[0];
    for (const t of group?.topics ?? []) {
      for (const p of t.partitions) {
        if (p.committedOffset >= 0n)
          committed.set(tpKey(t.name, p.partitionIndex), Number(p.committedOffset));
      }
    }
    return committed;
  }

  /** Where `keys` start by `auto.offset.reset`, or Kafka's error when it is `none`. */
  async resetOffsets(keys: readonly string[]): Promise<OffsetMap> {
    if (keys.length === 0) return new Map();
    if (this.settings.reset === 'none') {
      throw new DStreamError(
        'DSTREAM_ERR_KAFKA_OFFSETS',
        `Undefined offset with no reset policy for partitions: [${keys.map(tpName).join(', ')}]: the group '${this.settings.groupId}' has no committed offset for them; give starting offsets to the consumer strategy, or set auto.offset.reset to earliest or latest`,
      );
    }
    return this.listOffsets(keys, this.settings.reset === 'earliest' ? -2n : -1n);
  }

  /** The end of each partition (the offset the next record will get). */
  latestOffsets(keys: readonly string[]): Promise<OffsetMap> {
    return this.listOffsets(keys, -1n);
  }

  /** The start of each partition (its oldest record kept). */
  earliestOffsets(keys: readonly string[]): Promise<OffsetMap> {
    return this.listOffsets(keys, -2n);
  }

  /** Commits `offsets` for the stream's group (the next offset to read, per partition). */
  async commit(offsets: OffsetMap): Promise<void> {
    if (offsets.size === 0) return;
    if (this.subscription.kind !== 'assign') {
      // A member commits with its generation, so a commit from a member the group dropped fails.
      const list = [...offsets].map(([key, offset]) => ({
        ...tpOf(key),
        offset: BigInt(offset),
        leaderEpoch: -1,
      }));
      await this.consumer.commit({ offsets: list });
      return;
    }
    // Without a group membership a commit goes through the admin API (the group is empty).
    const topics = [...byTopic(offsets.keys())].map(([name, partitions]) => ({
      name,
      partitionOffsets: partitions.map((partition) => ({
        partition,
        offset: BigInt(offsets.get(tpKey(name, partition))!),
      })),
    }));
    await this.admin.alterConsumerGroupOffsets({ groupId: this.settings.groupId, topics });
  }

  /** Leaves the group (so that a restart gets its partitions at once) and closes the clients. */
  async close(): Promise<void> {
    const results = await Promise.allSettled([this.consumer.close(), this.admin.close()]);
    for (const r of results) {
      if (r.status === 'rejected')
        log.warn(`Closing the Kafka driver consumer: ${messageOf(r.reason)}`);
    }
  }

  private async listOffsets(keys: readonly string[], timestamp: bigint): Promise<OffsetMap> {
    const offsets: OffsetMap = new Map();
    if (keys.length === 0) return offsets;
    const grouped = byTopic(keys);
    const found = await this.consumer.listOffsets({
      topics: [...grouped.keys()],
      partitions: Object.fromEntries(grouped),
      timestamp,
      isolationLevel: READ_UNCOMMITTED,
    });
    for (const [topic, partitions] of grouped) {
      const list = found.get(topic);
      for (const p of partitions) {
        const offset = list?.[p];
        if (offset === undefined) {
          throw new DStreamError(
            'DSTREAM_ERR_KAFKA_TOPIC',
            `Topic '${topic}' has no partition ${p} at ${this.settings.bootstrap.join(',')}`,
          );
        }
        offsets.set(tpKey(topic, p), Number(offset));
      }
    }
    return offsets;
  }

  private async countPartitions(topics: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (topics.length === 0) return counts;
    const metadata = await this.consumer.metadata({ topics: [...topics], forceUpdate: true });
    for (const [name, t] of metadata.topics) counts.set(name, t.partitionsCount);
    return counts;
  }
}

/** Whether `pattern` matches the whole of `topic`, as Java's `Pattern.matcher(t).matches()`. */
function matchesWhole(pattern: RegExp, topic: string): boolean {
  const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
  return whole.test(topic);
}
