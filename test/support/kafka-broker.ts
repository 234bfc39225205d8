// The Kafka broker test/kafka-setup.ts starts for the run, as the Kafka tests see it.
import { expect, inject } from 'vitest';

export const broker = inject('kafkaBroker');

/**
 * Without a broker (no Java or Maven here, or it failed to start) the Kafka tests are skipped with
 * its reason, except on CI, where they fail with it.
 */
export const skipKafka = broker.bootstrap === undefined && process.env.CI !== 'true';

/** The broker's host:port; fails the calling test, with the reason, when there is none. */
export function bootstrap(): string {
  expect(broker.bootstrap, `no Kafka broker for the tests: ${broker.reason}`).toBeDefined();
  return broker.bootstrap!;
}
