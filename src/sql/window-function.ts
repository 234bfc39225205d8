// Spark's `window(timeColumn, windowDuration, slideDuration?, startTime?)` as DuckDB SQL: the struct
// `{start, end}` of the window each row's timestamp falls in. Windows are aligned to the epoch plus
// startTime, as Spark aligns them. A sliding window (slide shorter than the window) puts a row in
// every window that holds it, and a row without a timestamp is in none (Spark drops it): an
// unnest, one output row per window.
import { DStreamError } from '../errors.js';
import { Column } from './column.js';

const MICROS: Readonly<Record<string, number>> = {
  microsecond: 1,
  millisecond: 1_000,
  second: 1_000_000,
  minute: 60_000_000,
  hour: 3_600_000_000,
  day: 86_400_000_000,
  week: 7 * 86_400_000_000,
};

/** A Spark interval string (`'1 minute'`, `'10 seconds'`, `'1 hour 30 minutes'`) in microseconds. */
export function durationMicros(text: string, what: string): number {
  const body = text.trim().replace(/^interval\s+/i, '');
  const parts = body.split(/\s+/);
  let total = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const amount = Number(parts[i]);
    const unit = (parts[i + 1] ?? '').toLowerCase().replace(/s$/, '');
    const scale = MICROS[unit];
    if (!Number.isFinite(amount) || scale === undefined) return invalid(text, what);
    total += amount * scale;
  }
  if (!(total > 0) || parts.length % 2 !== 0) return invalid(text, what);
  return Math.round(total);
}

function invalid(text: string, what: string): never {
  throw new DStreamError(
    'DSTREAM_ERR_SQL_ARGUMENT',
    `window: the ${what} '${text}' is not a positive interval: write it as Spark does, such as ` +
      "'1 minute', '10 seconds' or '1 hour 30 minutes' (units from microseconds to weeks)",
  );
}

/** The struct of the window starting at `startUs` (an SQL expression in microseconds). */
function windowStruct(startUs: string, windowUs: number): string {
  return `struct_pack("start" := make_timestamp(${startUs}), "end" := make_timestamp(${startUs} + ${windowUs}))`;
}

/**
 * Groups rows by time windows over a timestamp column, as Spark's `functions.window`: a struct
 * column named `window` with fields `start` (inclusive) and `end` (exclusive).
 */
export function window(
  timeColumn: Column,
  windowDuration: string,
  slideDuration: string = windowDuration,
  startTime = '0 seconds',
): Column {
  const windowUs = durationMicros(windowDuration, 'window duration');
  const slideUs = durationMicros(slideDuration, 'slide duration');
  // A zero start time is allowed (the default); only the window and slide must be positive.
  const offsetUs = /^\s*(interval\s+)?0+\s+\w+\s*$/i.test(startTime)
    ? 0
    : durationMicros(startTime, 'start time');
  if (slideUs > windowUs) {
    throw new DStreamError(
      'DSTREAM_ERR_SQL_ARGUMENT',
      `window: the slide duration (${slideDuration}) must be less than or equal to the window ` +
        `duration (${windowDuration})`,
    );
  }
  return new Column((s) => {
    const ts = timeColumn.compile(s);
    const us = `epoch_us(CAST(${ts.sql} AS TIMESTAMP))`;
    // The last window start at or before the timestamp: a positive remainder, also before 1970.
    const last = `(${us} - (((${us} - ${offsetUs}) % ${slideUs}) + ${slideUs}) % ${slideUs})`;
    const overlapping = Math.ceil(windowUs / slideUs);
    // Spark leaves out rows whose timestamp is null: unnest of a null list gives no row.
    const sql =
      overlapping === 1
        ? `unnest(CASE WHEN ${ts.sql} IS NULL THEN NULL ELSE [${windowStruct(last, windowUs)}] END)`
        : `unnest(list_filter(list_transform(range(0, ${overlapping}), lambda k: ` +
          `${windowStruct(`${last} - k * ${slideUs}`, windowUs)}), ` +
          `lambda w: epoch_us(w."end") > ${us}))`;
    return { sql, name: 'window' };
  });
}
