import { DStreamError } from '../../../errors.js';
import { Logger } from '../../../util/logging.js';
import { bootstrapOf, type KafkaParams } from '../read-settings.js';
import type { DriverConsumerSettings } from './driver-consumer.js';

const log = new Logger('DirectKafkaInputDStream');

const RESETS: Record<string, DriverConsumerSettings['reset']> = {
  earliest: 'earliest',
  smallest: 'earliest',
  latest: 'latest',
  largest: 'latest',
  none: 'none',
};

/**
 * The driver consumer's settings from Kafka's parameter names. Two defaults differ from Kafka's:
 * `session.timeout.ms` 6000 (the broker's minimum) and `heartbeat.interval.ms` 500, so that an
 * application restarted after a crash gets its partitions back in seconds; with Kafka's 45 s the
 * group would wait that long for the member the crash left behind.
 */
export function driverSettings(kafkaParams: KafkaParams): DriverConsumerSettings {
  const reset = String(kafkaParams['auto.offset.reset'] ?? 'latest');
  if (!(reset in RESETS)) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `Invalid value ${reset} for configuration auto.offset.reset: String must be one of: latest, earliest, none`,
    );
  }
  const autoCommit = kafkaParams['enable.auto.commit'];
  if (autoCommit === true || autoCommit === 'true') {
    log.warn(
      'enable.auto.commit=true is ignored: a direct stream commits only the offsets given to commitAsync (an automatic commit would commit what was fetched, not what was processed)',
    );
  }
  return {
    bootstrap: bootstrapOf(kafkaParams),
    groupId: String(kafkaParams['group.id'] ?? 'dstream'),
    reset: RESETS[reset]!,
    sessionTimeoutMs: numberParam(kafkaParams, 'session.timeout.ms', 6000),
    heartbeatIntervalMs: numberParam(kafkaParams, 'heartbeat.interval.ms', 500),
    metadataMaxAgeMs: numberParam(kafkaParams, 'metadata.max.age.ms', 300_000),
    rebalanceTimeoutMs: numberParam(kafkaParams, 'max.poll.interval.ms', 300_000),
  };
}

function numberParam(kafkaParams: KafkaParams, name: string, fallback: number): number {
  const value = kafkaParams[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `Invalid value ${String(value)} for configuration ${name}: a number of milliseconds is expected`,
    );
  }
  return n;
}
