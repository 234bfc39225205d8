import type { Consumer, MessagesStream } from '@platformatic/kafka';
import { clientOptions, loadKafka } from '../client/load.js';

/** A record as the receiver gets it: where it is in Kafka, and its key and value as text. */
export interface ReceivedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: string;
}

/** What one consumer of the receiver needs: the group, the topics and where to start. */
export interface ConsumerSettings {
  readonly bootstrap: readonly string[];
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a partition without a committed offset starts (`auto.offset.reset`). */
  readonly reset: 'earliest' | 'latest';
  /** The most a fetch brings at once: what is fetched and not yet stored waits in memory. */
  readonly maxBytes: number;
}

/** A partition's next offset to commit. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

// Types only: the library itself is loaded on first use (client/load.ts).
type KafkaConsumer = Consumer<string, string, string, string>;
type KafkaStream = MessagesStream<string, string, string, string>;

/**
 * One member of the receiver's consumer group (one of Spark's "consumer threads"): reads from the
 * group's committed offsets, hands each record to `onRecord`, and commits only what it is told
 * to. Never the client's autocommit: it commits what was fetched, not what was stored
 * (in a run against a real broker, 80,800 of 90,000 records were lost by a SIGKILL).
 */
export class ConsumerThread {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly consumer: KafkaConsumer,
    private readonly stream: KafkaStream,
  ) {}

  /** Joins the group and starts reading; `onError` gets an error that ended the reading. */
  static async open(
    settings: ConsumerSettings,
    clientId: string,
    onRecord: (record: ReceivedRecord, thread: ConsumerThread) => void,
    onError: (error: unknown) => void,
  ): Promise<ConsumerThread> {
    const { Consumer, stringDeserializers } = await loadKafka();
    const consumer = new Consumer({
      ...clientOptions([...settings.bootstrap], clientId),
      groupId: settings.groupId,
      deserializers: stringDeserializers,
      autocommit: false,
      // The broker's minimum session: after a SIGKILL the group gives this member's partitions to
      // a restarted receiver in about 6 s instead of 62 s (NODE24.md §4).
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxBytes: settings.maxBytes,
      // Long-poll for at most half a second when caught up, so that a stop is quick.
      maxWaitTime: 500,
    });
    let stream: KafkaStream;
    try {
      stream = await consumer.consume({
        topics: [...settings.topics],
        mode: 'committed',
        fallbackMode: settings.reset,
      });
    } catch (e) {
      await consumer.close(true).catch(() => undefined);
      throw e;
    }
    const thread = new ConsumerThread(consumer, stream);
    stream.on('data', (m) => {
      if (thread.closing) return;
      const record: ReceivedRecord = {
        topic: m.topic,
        partition: m.partition,
        offset: m.offset,
        key: m.key ?? null,
        value: m.value ?? '',
      };
      onRecord(record, thread);
    });
    stream.on('error', (e: unknown) => {
      if (!thread.closing) onError(e);
    });
    return thread;
  }

  /**
   * True when the group gives `topic`/`partition` to this consumer now: after a rebalance the
   * stream still delivers what it had fetched of partitions it lost, which their new owner reads
   * again (NODE24.md §4).
   */
  owns(topic: string, partition: number): boolean {
    return (
      this.consumer.assignments?.some(
        (a) => a.topic === topic && a.partitions.includes(partition),
      ) ?? false
    );
  }

  /** Stops delivering records until {@link resume} (what was fetched waits in the stream). */
  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  /** Commits the offsets of the partitions this consumer still owns; returns those it committed. */
  async commit(offsets: readonly PartitionOffset[]): Promise<PartitionOffset[]> {
    const owned = offsets.filter((o) => this.owns(o.topic, o.partition));
    if (owned.length === 0 || this.closing) return [];
    // leaderEpoch -1: unknown, the broker does not check it.
    await this.consumer.commit({ offsets: owned.map((o) => ({ ...o, leaderEpoch: -1 })) });
    return owned;
  }

  /** Leaves the group (LeaveGroup: its partitions move at once, not after the session timeout). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.stream.close().catch(() => undefined);
      await this.consumer.close();
    })();
    return this.closing;
  }
}
