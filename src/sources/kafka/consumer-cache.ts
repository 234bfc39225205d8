import type { Consumer } from '@platformatic/kafka';
import { messageOf } from '../../errors.js';
import { Logger } from '../../util/logging.js';
import { clientOptions, loadKafka } from './client/load.js';

const log = new Logger('KafkaDataConsumer');

/** Which consumer a read needs: one per group and topic partition, as Spark caches them. */
export interface ConsumerKey {
  readonly bootstrap: readonly string[];
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

/** Spark's consumer cache settings (`spark.streaming.kafka.consumer.cache.*`). */
export interface ConsumerCacheSettings {
  readonly enabled: boolean;
  readonly maxCapacity: number;
}

interface Entry {
  readonly consumer: Consumer;
  busy: boolean;
}

/** A consumer lent to one read: give it back with `release`, saying whether the read worked. */
export interface LentConsumer {
  readonly consumer: Consumer;
  release(ok: boolean): Promise<void>;
}

/**
 * The consumers of this thread's Kafka reads, kept between tasks as Spark keeps one per executor,
 * group and topic partition: a batch's read then costs a fetch, not a connection and a metadata
 * request. A consumer in use (the same partition read twice at once, by a window) is not shared:
 * the second read gets a consumer of its own, closed after it, as is any consumer whose read
 * failed. Least recently used consumers beyond `maxCapacity` are closed; all of them when a
 * context stops in this thread.
 */
export class ConsumerCache {
  private readonly entries = new Map<string, Entry>();

  async acquire(key: ConsumerKey, settings: ConsumerCacheSettings): Promise<LentConsumer> {
    const id = `${key.bootstrap.join(',')}\0${key.groupId}\0${key.topic}\0${key.partition}`;
    const cached = this.entries.get(id);
    if (settings.enabled && cached && !cached.busy) {
      cached.busy = true;
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(id);
      this.entries.set(id, cached);
      return this.lend(id, cached);
    }
    const consumer = await newConsumer(key);
    if (!settings.enabled || cached) return { consumer, release: () => close(consumer) };
    const entry: Entry = { consumer, busy: true };
    this.entries.set(id, entry);
    await this.evict(settings.maxCapacity);
    return this.lend(id, entry);
  }

  /** Closes every consumer not in use; those in use are closed when their reads end. */
  async closeAll(): Promise<void> {
    const idle = [...this.entries.values()].filter((e) => !e.busy);
    // A consumer in use is no longer cached once cleared, so its release closes it.
    this.entries.clear();
    await Promise.all(idle.map((e) => close(e.consumer)));
  }

  private lend(id: string, entry: Entry): LentConsumer {
    return {
      consumer: entry.consumer,
      release: async (ok) => {
        if (ok && this.entries.get(id) === entry) {
          entry.busy = false;
          return;
        }
        if (this.entries.get(id) === entry) this.entries.delete(id);
        await close(entry.consumer);
      },
    };
  }

  private async evict(maxCapacity: number): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [id, e] of this.entries) {
      if (this.entries.size <= maxCapacity) break;
      if (e.busy) continue;
      this.entries.delete(id);
      closing.push(close(e.consumer));
    }
    await Promise.all(closing);
  }
}

async function newConsumer(key: ConsumerKey): Promise<Consumer> {
  const { Consumer } = await loadKafka();
  // Spark's executors read as `spark-executor-<group.id>`, which never commits: the stream's own
  // group stays the application's.
  return new Consumer({
    ...clientOptions([...key.bootstrap], `dstream-executor-${key.groupId}`),
    groupId: `spark-executor-${key.groupId}`,
  });
}

async function close(consumer: Consumer): Promise<void> {
  try {
    await consumer.close(true);
  } catch (e) {
    log.warn(`Closing a Kafka consumer: ${messageOf(e)}`);
  }
}
