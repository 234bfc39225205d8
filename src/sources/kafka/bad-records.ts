import { DStreamError, type ErrorCode } from '../../errors.js';
import { StreamingConf } from '../../streaming/conf.js';
import { Logger } from '../../util/logging.js';
import { countBadRecords } from './bad-record-counts.js';
import type { DeadLetter } from './dead-letters.js';

const log = new Logger('KafkaBadRecords');

/**
 * What a read does with a record its deserializer, or the application's parse function, cannot
 * handle (`spark.streaming.kafka.badRecords`): `fail` the batch (Spark's behaviour, the default),
 * `skip` it (counted and logged), or write it to `spark.streaming.kafka.deadLetterTopic` and go on.
 */
export type BadRecordPolicy = 'fail' | 'skip' | 'deadLetter';

/** The policy, as data: it travels with each partition to the thread that reads it. */
export interface BadRecordSettings {
  readonly badRecords: BadRecordPolicy;
  /** Where `deadLetter` writes (on the stream's own brokers). */
  readonly deadLetterTopic?: string;
}

const POLICIES: readonly BadRecordPolicy[] = ['fail', 'skip', 'deadLetter'];

/** The policy from the context's conf, checked when the stream or RDD is created. */
export function badRecordSettings(conf: ReadonlyMap<string, string>): BadRecordSettings {
  const settings = new StreamingConf(conf);
  const policy = settings.get('spark.streaming.kafka.badRecords') ?? 'fail';
  if (!POLICIES.includes(policy as BadRecordPolicy)) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      `spark.streaming.kafka.badRecords must be one of ${POLICIES.join(', ')}; it is '${policy}'`,
    );
  }
  const deadLetterTopic = settings.get('spark.streaming.kafka.deadLetterTopic');
  if (policy === 'deadLetter' && (deadLetterTopic === undefined || deadLetterTopic === '')) {
    throw new DStreamError(
      'DSTREAM_ERR_INVALID_ARGUMENT',
      'spark.streaming.kafka.badRecords is deadLetter but spark.streaming.kafka.deadLetterTopic is not set: name the topic bad records go to',
    );
  }
  return deadLetterTopic === undefined
    ? { badRecords: policy as BadRecordPolicy }
    : { badRecords: policy as BadRecordPolicy, deadLetterTopic };
}

/** Where bad records come from: one offset range of one partition, read for one group. */
export interface BadRecordScope {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly untilOffset: number;
}

/**
 * The bad records of one partition read, under one policy: `fail` throws at the first; the others
 * keep them (as dead letters when the policy writes them) and {@link report} counts them once the
 * read is done, so each batch logs one line per partition that had any.
 */
export class BadRecords {
  readonly letters: DeadLetter[] = [];
  private count = 0;
  private first: string | undefined;

  constructor(
    private readonly settings: BadRecordSettings,
    private readonly scope: BadRecordScope,
  ) {}

  /** A record that could not be read or parsed: throws under `fail`, else keeps it. */
  found(letter: DeadLetter, code: ErrorCode, message: string): void {
    if (this.settings.badRecords === 'fail') {
      throw new DStreamError(
        code,
        `${message}. Set spark.streaming.kafka.badRecords to skip (or deadLetter, with spark.streaming.kafka.deadLetterTopic) to go on without such records`,
        { cause: letter.error },
      );
    }
    this.count++;
    this.first ??= message;
    if (this.settings.badRecords === 'deadLetter') this.letters.push(letter);
  }

  /** Logs and counts what was found (after dead letters, if any, were written). */
  report(what: string): void {
    if (this.count === 0) return;
    const { topic, partition, fromOffset, untilOffset, groupId } = this.scope;
    const done =
      this.settings.badRecords === 'deadLetter'
        ? `wrote ${this.count} bad records to dead-letter topic ${this.settings.deadLetterTopic}`
        : `skipped ${this.count} bad records`;
    log.warn(
      `${topic}-${partition} offsets ${fromOffset} to ${untilOffset}: ${done} (${what}); the first: ${this.first}`,
    );
    countBadRecords(
      groupId,
      this.settings.badRecords === 'deadLetter' ? 'deadLettered' : 'skipped',
      this.count,
    );
  }
}
