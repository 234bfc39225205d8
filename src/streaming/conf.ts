import { DStreamError } from '../errors.js';
import { Duration } from '../util/duration.js';

/**
 * Reads `spark.*` settings with Spark's defaults and forms: durations as `200ms`, `2s`, `1min` or
 * a bare number in the key's default unit; booleans as `true`/`false`.
 */
export class StreamingConf {
  constructor(private readonly entries: ReadonlyMap<string, string>) {}

  /** The setting `key` as given; `undefined` when it is not set. */
  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  /** Whether `key` is set. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Every setting as given, `[key, value]` (the web UI's configuration table). */
  toArray(): [string, string][] {
    return [...this.entries];
  }

  /**
   * The setting `key` as a boolean (`true`/`false`), or `fallback` when unset; throws `DSTREAM_ERR_INVALID_CONF` on any other value.
   */
  getBoolean(key: string, fallback: boolean): boolean {
    const v = this.entries.get(key);
    if (v === undefined) return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    throw invalid(key, v, 'true or false');
  }

  /**
   * The setting `key` as a number, or `fallback` when unset; throws `DSTREAM_ERR_INVALID_CONF` when it is not a number.
   */
  getNumber(key: string, fallback: number): number {
    const v = this.entries.get(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw invalid(key, v, 'a number');
    return n;
  }

  /** A duration; a bare number is in `unit` (Spark reads `blockInterval` in ms, most others in s). */
  getDuration(key: string, fallback: Duration, unit: 'ms' | 's' = 'ms'): Duration {
    const v = this.entries.get(key);
    if (v === undefined) return fallback;
    const ms = parseDuration(v, unit);
    if (ms === undefined) throw invalid(key, v, 'a duration such as 200ms, 2s or 1min');
    return new Duration(ms);
  }
}

const UNITS: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

function parseDuration(text: string, unit: 'ms' | 's'): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const scale = m[2] === '' ? UNITS[unit] : UNITS[m[2]!.toLowerCase()];
  return scale === undefined ? undefined : Number(m[1]) * scale;
}

function invalid(key: string, value: string, expected: string): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_INVALID_CONF',
    `Invalid value '${value}' for ${key}: expected ${expected}`,
  );
}
