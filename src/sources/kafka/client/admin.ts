import { DStreamError } from '../../../errors.js';
import { brokerMessage, clientOptions, ensureReachable, loadKafka } from './load.js';

// Topic administration, as kafka-topics.sh does it: create, list, describe.

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  id: string;
  partitions: PartitionInfo[];
}

/** Runs `work` with an admin client of `bootstrap`, closing it afterwards. */
async function withAdmin<T>(
  bootstrap: string[],
  work: (admin: InstanceType<Awaited<ReturnType<typeof loadKafka>>['Admin']>) => Promise<T>,
): Promise<T> {
  await ensureReachable(bootstrap);
  const { Admin } = await loadKafka();
  const admin = new Admin(clientOptions(bootstrap, 'dstream-admin'));
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

export async function createTopic(
  bootstrap: string[],
  topic: string,
  partitions: number,
  replicationFactor = 1,
): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    if ((await admin.listTopics()).includes(topic)) {
      throw new DStreamError('DSTREAM_ERR_KAFKA_TOPIC', `Topic '${topic}' already exists.`);
    }
    try {
      await admin.createTopics({ topics: [topic], partitions, replicas: replicationFactor });
    } catch (e) {
      // kafka-topics.sh's wording, with the broker's reason.
      throw new DStreamError(
        'DSTREAM_ERR_KAFKA_TOPIC',
        `Error while executing topic command : ${brokerMessage(e)}`,
        { cause: e },
      );
    }
  });
}

/** The topics, sorted, without Kafka's internal ones (__consumer_offsets...). */
export function listTopics(bootstrap: string[]): Promise<string[]> {
  return withAdmin(bootstrap, async (admin) => (await admin.listTopics()).sort());
}

/** The topics' partitions with their leader, replicas and in-sync replicas. */
export function describeTopics(bootstrap: string[], topics: string[]): Promise<TopicDescription[]> {
  return withAdmin(bootstrap, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      throw new DStreamError(
        'DSTREAM_ERR_KAFKA_TOPIC',
        `Topic '${missing.join("', '")}' does not exist as expected: create it with ` +
          '`dstream kafka topics --create --topic <name> --partitions <n>`.',
      );
    }
    const metadata = await admin.metadata({ topics, autocreateTopics: false });
    return topics.map((name) => {
      const t = metadata.topics.get(name)!;
      return {
        name,
        id: t.id,
        partitions: t.partitions.map((p, partition) => ({
          partition,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
        })),
      };
    });
  });
}

/**
 * Creates `topic` compacted (`cleanup.policy=compact`) with `partitions` partitions unless it
 * exists; resolves to its partition count. Two processes may create it at once: the one that
 * loses finds it.
 */
export function ensureCompactedTopic(
  bootstrap: string[],
  topic: string,
  partitions: number,
): Promise<number> {
  return withAdmin(bootstrap, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) {
      try {
        await admin.createTopics({
          topics: [topic],
          partitions,
          replicas: 1,
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        });
      } catch (e) {
        if (!(await admin.listTopics()).includes(topic)) {
          throw new DStreamError(
            'DSTREAM_ERR_KAFKA_TOPIC',
            `Creating the changelog topic '${topic}' failed: ${brokerMessage(e)}`,
            { cause: e },
          );
        }
      }
    }
    const metadata = await admin.metadata({ topics: [topic], autocreateTopics: false });
    return metadata.topics.get(topic)?.partitionsCount ?? 0;
  });
}
