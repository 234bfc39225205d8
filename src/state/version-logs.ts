import { KeyMap } from '../util/keys.js';
import { UndoLog } from './undo-log.js';

/** A key's value and last-updated time as an undo log recorded them (`ABSENT`: no state). */
export interface LoggedValue {
  readonly value: unknown;
  readonly time: number;
}

/**
 * The versions of a StateMap: the current one (the time of the last batch applied) and the undo
 * log of each version kept, oldest first, so the map can be read as of an earlier version or a
 * failed batch undone. The map records its changes in `open` while a version is being applied.
 */
export class VersionLogs {
  /** The time (ms) of the last batch applied, `-Infinity` before the first. */
  current = -Infinity;
  /** The log of the version being applied, between `begin` and `end`. */
  open: UndoLog | undefined;
  private readonly logs: UndoLog[] = [];
  /** A trimmed log whose buffers the next version reuses. */
  private spare: UndoLog | undefined;

  constructor(private readonly trackTimes: boolean) {}

  /** Starts applying the batch at `time`: changes from now on are logged until `end`. */
  begin(time: number): void {
    if (this.open) throw new Error(`StateMap: version ${this.open.to} is still being applied`);
    if (time <= this.current) {
      throw new Error(`StateMap: version ${time} is not after version ${this.current}`);
    }
    const log = this.spare ?? new UndoLog(this.trackTimes);
    this.spare = undefined;
    log.from = this.current;
    log.to = time;
    this.logs.push(log);
    this.open = log;
    this.current = time;
  }

  end(): void {
    this.open = undefined;
  }

  /**
   * Drops the version being applied and goes back to the previous one; `undo` first gets its log
   * to undo the changes, newest first.
   */
  abandon(undo: (log: UndoLog) => void): void {
    const log = this.open;
    if (!log) return;
    this.open = undefined;
    undo(log);
    this.logs.pop();
    this.current = log.from;
    log.recycle();
    this.spare = log;
  }

  /** Whether the map can still be read as of `version` (now, or a version whose logs are kept). */
  canRead(version: number): boolean {
    if (version === this.current) return true;
    if (version > this.current) return false;
    const first = this.firstLogAfter(version);
    return first < this.logs.length && this.logs[first]!.from <= version;
  }

  /**
   * Each key changed after `version` (readable), with its value and time then: the undo logs read
   * newest change first, so the last write per key is its value at `version`.
   */
  valuesAt<K>(version: number): KeyMap<K, LoggedValue> {
    const overlay = new KeyMap<K, LoggedValue>();
    for (let j = this.logs.length - 1; j >= this.firstLogAfter(version); j--) {
      const log = this.logs[j]!;
      for (let i = log.count - 1; i >= 0; i--) {
        overlay.set(log.key(i) as K, { value: log.value(i), time: log.time(i) });
      }
    }
    return overlay;
  }

  /**
   * Calls `f` once for every key the current version changed, with its value before the version
   * (the undo log's `ABSENT` when it had none): a key changed twice has its first logged value.
   */
  forEachChanged<K>(f: (key: K, before: unknown) => void): void {
    const log = this.logs[this.logs.length - 1];
    if (!log || log.to !== this.current) return;
    const seen = new KeyMap<K, true>();
    for (let i = 0; i < log.count; i++) {
      const key = log.key(i) as K;
      if (seen.has(key)) continue;
      seen.set(key, true);
      f(key, log.value(i));
    }
  }

  /** Forgets the undo logs not needed to read versions from `oldestReadable` on. */
  trim(oldestReadable: number): void {
    let n = 0;
    while (
      n < this.logs.length &&
      this.logs[n]!.to <= oldestReadable &&
      this.logs[n] !== this.open
    ) {
      n++;
    }
    if (n === 0) return;
    const last = this.logs[n - 1]!;
    this.logs.splice(0, n);
    last.recycle();
    this.spare = last;
  }

  /** How many changes the kept undo logs hold. */
  get loggedChanges(): number {
    let n = 0;
    for (const log of this.logs) n += log.count;
    return n;
  }

  /** No history, and `version` the current version. */
  clear(version: number): void {
    this.logs.length = 0;
    this.open = undefined;
    this.spare = undefined;
    this.current = version;
  }

  private firstLogAfter(version: number): number {
    let i = this.logs.length - 1;
    while (i >= 0 && this.logs[i]!.to > version) i--;
    return i + 1;
  }
}
