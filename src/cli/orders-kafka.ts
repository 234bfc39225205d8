import { openProducer, parseBootstrap } from '../sources/kafka/client/index.js';

// `dstream orders --kafka <bootstrap> --topic <t>`: the order lines as records of a topic (no key,
// so the client spreads them over the partitions), as the seed's producer program sends them.

export interface KafkaLineSink {
  /** False while a send is in flight, so lines are not made faster than the broker takes them. */
  ready(): boolean;
  write(text: string): void;
  /** Waits for the last send; throws the first send's error. */
  close(): Promise<void>;
}

export async function kafkaSink(bootstrap: string, topic: string): Promise<KafkaLineSink> {
  const producer = await openProducer(parseBootstrap(bootstrap), 'dstream-orders');
  let inFlight = 0;
  let sending: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  return {
    ready: () => inFlight === 0 && failure === undefined,
    write(text) {
      const records = text
        .split('\n')
        .slice(0, -1) // text ends with a newline
        .map((value) => ({ value }));
      inFlight++;
      sending = sending
        .then(() => producer.send(topic, records))
        .then(
          () => void inFlight--,
          (e: unknown) => {
            inFlight--;
            failure ??= e instanceof Error ? e : new Error(String(e));
          },
        );
    },
    async close() {
      await sending;
      await producer.close();
      if (failure !== undefined) throw failure;
    },
  };
}
