// A write's records as the script's KEYS and ARGV (script.ts), checked on the way: a value Redis
// would refuse, or that would lose digits, is refused here with the key and the field it was for,
// before anything is sent. This is the hot path of a large write: one loop per chunk, pushing
// into two arrays, no closure or copy per record.
import { createHash } from 'node:crypto';
import { DStreamError } from '../../errors.js';
import type { BatchPositions } from '../core/index.js';

/** A member, field or key of a record. */
export type RedisName = string | number;
/** A value Redis stores: as sent (numbers and bigints as their decimal text). */
export type RedisValue = string | number | bigint;

/** The operations of the script, by the name it knows them. */
export type Op = 'set' | 'hset' | 'hadd' | 'zadd' | 'zincr' | 'sadd';

/** What guards a script call: the batch's positions, or a marker for one chunk of a partition. */
export interface Guard {
  readonly kind: 'offsets' | 'time' | 'marker';
  readonly key: string;
  readonly args: readonly string[];
}

export const offsetsKey = (sinkId: string) => `dstream:offsets:${sinkId}`;
export const batchTimeKey = (sinkId: string) => `dstream:batch-time:${sinkId}`;

/** The field of a partition in the offsets hash: Kafka topic names cannot contain '/'. */
export const offsetsField = (topic: string, partition: number) => `${topic}/${partition}`;

/** The guard of a whole batch: its offset ranges, or its time. */
export function batchGuard(sinkId: string, batch: BatchPositions): Guard {
  if (batch.kind === 'time') {
    return { kind: 'time', key: batchTimeKey(sinkId), args: [String(batch.milliseconds)] };
  }
  const args: string[] = [];
  for (const r of batch.ranges) {
    args.push(offsetsField(r.topic, r.partition), String(r.fromOffset), String(r.untilOffset));
  }
  return { kind: 'offsets', key: offsetsKey(sinkId), args };
}

/** The guard of one chunk of one partition of a batch: a marker key that expires. */
export function markerGuard(
  sinkId: string,
  batch: BatchPositions,
  partition: number,
  chunk: number,
  ttlSeconds: number,
): Guard {
  return {
    kind: 'marker',
    key: `dstream:done:${sinkId}:${batchLabel(batch)}:${partition}:${chunk}`,
    args: [String(ttlSeconds)],
  };
}

/** A short name of a batch: its time, or a digest of its offset ranges. */
function batchLabel(batch: BatchPositions): string {
  if (batch.kind === 'time') return `t${batch.milliseconds}`;
  const text = batch.ranges
    .map((r) => `${r.topic}/${r.partition}:${r.fromOffset}-${r.untilOffset}`)
    .join(',');
  return `o${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
}

/** One script call: the count of keys, then the keys, then the arguments. */
export interface ScriptCall {
  readonly keys: string[];
  readonly argv: string[];
  readonly records: number;
}

/** The call that checks or moves only the guard (`check`: read-only; `none`: moves it). */
export function guardCall(guard: Guard, op: 'check' | 'none'): ScriptCall {
  return { keys: [guard.key], argv: header(guard, op, ''), records: 0 };
}

/**
 * The call that writes `records[from..to)` to `key` (for `set`, each record's own key) under
 * `guard`. Records are `[field or member or key, value]` pairs, or members alone for `sadd`.
 */
export function writeCall(
  guard: Guard,
  op: Op,
  key: string,
  opArg: string,
  records: readonly unknown[],
  from: number,
  to: number,
): ScriptCall {
  const keys = [guard.key];
  const argv = header(guard, op, opArg);
  encode(op, key, records, from, to, keys, argv);
  return { keys, argv, records: to - from };
}

/** The operations whose commands can run again and leave the same values. */
export const isIdempotent = (op: Op): boolean => op !== 'hadd' && op !== 'zincr';

/**
 * The plain commands that write `records[from..to)` for an idempotent operation: the same values
 * as the script, without going through Lua (which costs Redis about twice the work per value).
 */
export function plainCommands(
  op: Op,
  key: string,
  opArg: string,
  records: readonly unknown[],
  from: number,
  to: number,
): [command: string, args: string[]][] {
  const keys: string[] = [];
  // The command's key first, so that the values are pushed after it (no copy to prepend it).
  const argv: string[] = op === 'set' ? [] : [key];
  encode(op, key, records, from, to, keys, argv);
  if (op === 'set') {
    if (opArg !== '') return keys.map((k, i) => ['SET', [k, argv[i]!, 'EX', opArg]]);
    const args: string[] = [];
    for (let i = 0; i < keys.length; i++) args.push(keys[i]!, argv[i]!);
    return [['MSET', args]];
  }
  return [[op === 'hset' ? 'HSET' : op === 'zadd' ? 'ZADD' : 'SADD', argv]];
}

/** Pushes the data keys of `records[from..to)` onto `keys` and their values onto `argv`. */
function encode(
  op: Op,
  key: string,
  records: readonly unknown[],
  from: number,
  to: number,
  keys: string[],
  argv: string[],
): void {
  if (op === 'set') {
    for (let i = from; i < to; i++) {
      const record = pair(records[i], op, key);
      keys.push(name(record[0], op, key));
      argv.push(plain(record[1], key, record[0]));
    }
  } else if (op === 'sadd') {
    keys.push(key);
    for (let i = from; i < to; i++) argv.push(name(records[i], op, key));
  } else if (op === 'zadd') {
    // Score first, as ZADD takes them: the script passes slices of ARGV on as they are.
    keys.push(key);
    for (let i = from; i < to; i++) {
      const record = pair(records[i], op, key);
      const member = name(record[0], op, key);
      argv.push(score(record[1], key, member), member);
    }
  } else {
    keys.push(key);
    for (let i = from; i < to; i++) {
      const record = pair(records[i], op, key);
      const field = name(record[0], op, key);
      const value = record[1];
      argv.push(
        field,
        op === 'hset'
          ? plain(value, key, field)
          : op === 'hadd'
            ? decimal(value, key, field)
            : score(value, key, field),
      );
    }
  }
}

function header(guard: Guard, op: string, opArg: string): string[] {
  return [guard.kind, String(guard.args.length), ...guard.args, op, opArg];
}

function pair(record: unknown, op: Op, key: string): readonly [unknown, unknown] {
  if (Array.isArray(record) && record.length === 2) return record as [unknown, unknown];
  throw new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `Redis sink (${op} ${key}): a record must be a [${op === 'set' ? 'key' : op === 'hset' || op === 'hadd' ? 'field' : 'member'}, value] pair, got ${describe(record)}`,
  );
}

function name(value: unknown, op: Op, key: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `Redis sink (${op} ${key}): a ${op === 'set' ? 'key' : 'field or member'} must be a string or a number, got ${describe(value)}`,
  );
}

function plain(value: unknown, key: string, field: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw rejected(key, field, value, 'a string or a number');
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** An amount as exact decimal text: a number prints as JavaScript prints it, never as 1e+21. */
function decimal(value: unknown, key: string, field: string): string {
  const text =
    typeof value === 'string' || typeof value === 'bigint' || typeof value === 'number'
      ? String(value)
      : undefined;
  if (text !== undefined && DECIMAL.test(text)) return text;
  throw rejected(
    key,
    field,
    value,
    'a decimal number (a number, a bigint, or a string such as "10.25")',
  );
}

function score(value: unknown, key: string, field: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw rejected(key, field, value, 'a finite number');
}

function rejected(key: string, field: unknown, value: unknown, wanted: string): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_INVALID_ARGUMENT',
    `Redis sink: the value for key ${key} field ${String(field)} is ${describe(value)}, not ${wanted}: the batch fails`,
  );
}

function describe(value: unknown): string {
  return typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
}
