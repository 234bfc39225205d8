import { encodeKey } from '../util/keys.js';
import {
  approximateBytes,
  COMPOSITE_ENTRY_BYTES,
  MAP_ENTRY_BYTES,
  sampledBytes,
  SLOT_ENTRY_BYTES,
} from './state-size.js';
import { ABSENT } from './undo-log.js';
import { VersionLogs } from './version-logs.js';

/** A composite key (array, plain object...) under its by-value encoding: its slot, or its state. */
interface CompositeEntry<K, S> {
  readonly key: K;
  readonly slot: number;
  value: S | undefined;
}

export interface StateMapOptions {
  /** Keep a last-updated time per key (mapWithState with a timeout). */
  trackTimes?: boolean;
}

/**
 * The state of one partition of a stateful stream: key → state (and, optionally, the time the key
 * was last updated), updated in place batch after batch, so a batch costs what it touches, not
 * what the map holds.
 *
 * Layout: without times, a `Map` from key to state (composite keys under their by-value
 * encoding), nothing else. With times, a `Map` from key to a slot number, and one array holding
 * each slot's state and last-updated time side by side (V8 keeps numbers in it unboxed); freed
 * slots are reused. Callers go through handles: `lookup` (or
 * `forEachSlot`) gives one, valid until the next call that looks up another key or changes the
 * map; without times the handle is the map's cursor on that key.
 *
 * Versions: applying batch `t` happens between `beginVersion(t)` and `endVersion()`; every change
 * made meanwhile is appended to that version's undo log. So the map can still be read as of an
 * earlier version (`forEachAsOf`) as long as the logs since then are kept (`trim` drops them), and
 * a batch that failed half-way is undone (`rollback`). Keys are compared by value, as in
 * `KeyMap`.
 */
export class StateMap<K, S> {
  /** Key → slot (with times) or key → state (without). */
  private readonly primitives = new Map<K, unknown>();
  private composites: Map<string, CompositeEntry<K, S>> | undefined;
  private readonly inline: boolean;
  // Without times: the state of the key last looked up or visited, and its composite entry.
  private found: unknown = undefined;
  private foundEntry: CompositeEntry<K, S> | undefined;
  // With times: slot s holds its state at cells[2s] and its last-updated time at cells[2s + 1],
  // side by side so that a record reads one cache line. Times are kept relative to `timeBase`, in
  // small-integer range (unboxed) for about 12 days between two rebases.
  private cells: unknown[] = [];
  private timeBase = NaN;
  private readonly freeSlots: number[] = [];
  private slotCount = 0;
  // The composite key last looked up and its encoding: an insert or removal that follows reuses it.
  private lastComposite: unknown = undefined;
  private lastEncoding = '';
  private readonly versions: VersionLogs;
  /** Entries looked up or visited so far: what a batch cost, counted (for tests and metrics). */
  touches = 0;

  constructor(options: StateMapOptions = {}) {
    this.inline = !options.trackTimes;
    this.versions = new VersionLogs(!this.inline);
  }

  get size(): number {
    return this.primitives.size + (this.composites?.size ?? 0);
  }

  /** Whether last-updated times are kept. */
  get tracksTimes(): boolean {
    return !this.inline;
  }

  /** The time (ms) of the last batch applied, `-Infinity` before the first. */
  get version(): number {
    return this.versions.current;
  }

  // ------------------------------------------------------------------ handles

  /** A handle on the state of `key` (a slot number), or -1 when it has none. */
  lookup(key: K): number {
    this.touches++;
    if (typeof key !== 'object' || key === null) {
      const v = this.primitives.get(key);
      if (!this.inline) return v === undefined ? -1 : (v as number);
      if (v === undefined && !this.primitives.has(key)) return -1;
      this.found = v;
      return 0;
    }
    const encoding = encodeKey(key);
    this.lastComposite = key;
    this.lastEncoding = encoding;
    const e = this.composites?.get(encoding);
    if (!e) return -1;
    if (!this.inline) return e.slot;
    this.foundEntry = e;
    this.found = e.value;
    return 0;
  }

  valueAt(slot: number): S {
    return (this.inline ? this.found : this.cells[2 * slot]) as S;
  }

  /** The last-updated time of a slot (NaN when times are not tracked). */
  timeAt(slot: number): number {
    return this.inline ? NaN : this.timeBase + (this.cells[2 * slot + 1] as number);
  }

  /** Adds a key that has no state (check with `lookup` first). */
  insert(key: K, value: S, time: number): void {
    const slot = this.inline
      ? 0
      : this.freeSlots.length > 0
        ? this.freeSlots.pop()!
        : this.newSlot();
    if (typeof key !== 'object' || key === null) {
      this.primitives.set(key, this.inline ? value : slot);
    } else {
      const encoding = this.lastComposite === key ? this.lastEncoding : encodeKey(key);
      (this.composites ??= new Map()).set(encoding, {
        key,
        slot,
        value: this.inline ? value : undefined,
      });
    }
    if (!this.inline) {
      const rel = this.relative(time);
      if (2 * slot === this.cells.length) this.cells.push(value, rel);
      else {
        this.cells[2 * slot] = value;
        this.cells[2 * slot + 1] = rel;
      }
    }
    if (this.versions.open) this.record(key, ABSENT, 0);
  }

  /** Replaces the state behind handle `slot`, which belongs to `key`. */
  update(slot: number, key: K, value: S, time: number): void {
    if (this.inline) {
      if (this.versions.open) this.record(key, this.found, NaN);
      if (typeof key !== 'object' || key === null) this.primitives.set(key, value);
      else this.foundEntry!.value = value;
      this.found = value;
      return;
    }
    const cells = this.cells;
    if (this.versions.open)
      this.record(key, cells[2 * slot], this.timeBase + (cells[2 * slot + 1] as number));
    cells[2 * slot] = value;
    cells[2 * slot + 1] = this.relative(time);
  }

  /** Removes `key`, whose state is behind handle `slot`. */
  remove(slot: number, key: K): void {
    const old = this.valueAt(slot);
    if (this.versions.open) this.record(key, old, this.timeAt(slot));
    if (typeof key !== 'object' || key === null) {
      this.primitives.delete(key);
    } else {
      this.composites?.delete(this.lastComposite === key ? this.lastEncoding : encodeKey(key));
    }
    if (this.inline) return;
    // Numbers hold nothing alive, and writing undefined would un-box a numeric column.
    if (typeof old !== 'number') this.cells[2 * slot] = undefined;
    this.freeSlots.push(slot);
  }

  /**
   * Calls `f` with a handle on, and the key of, every entry (and the encoding of a composite
   * key). `f` may update or remove the entry it is given, but must not insert keys.
   */
  forEachSlot(f: (slot: number, key: K, encoding: string | undefined) => void): void {
    this.touches += this.size;
    if (this.inline) {
      this.primitives.forEach((value, key) => {
        this.found = value;
        f(0, key, undefined);
      });
    } else {
      this.primitives.forEach((slot, key) => f(slot as number, key, undefined));
    }
    this.composites?.forEach((e, encoding) => {
      this.lastComposite = e.key;
      this.lastEncoding = encoding;
      this.foundEntry = e;
      this.found = e.value;
      f(e.slot, e.key, encoding);
    });
  }

  private newSlot(): number {
    return this.slotCount++;
  }

  /** `time` relative to the time base, rebasing every time when it would leave the SMI range. */
  private relative(time: number): number {
    if (Number.isNaN(this.timeBase)) this.timeBase = Number.isFinite(time) ? time : 0;
    let rel = time - this.timeBase;
    if (rel > 0x3fffffff || rel < -0x3fffffff) {
      if (Number.isFinite(time)) {
        const shift = time - this.timeBase;
        const cells = this.cells;
        for (let i = 1; i < cells.length; i += 2) cells[i] = (cells[i] as number) - shift;
        this.timeBase = time;
      }
      rel = time - this.timeBase;
    }
    return rel;
  }

  private record(key: unknown, value: unknown, time: number): void {
    this.versions.open!.push(key, value, time);
  }

  // ------------------------------------------------------------ by key

  get(key: K): S | undefined {
    const slot = this.lookup(key);
    return slot < 0 ? undefined : this.valueAt(slot);
  }

  has(key: K): boolean {
    return this.lookup(key) >= 0;
  }

  set(key: K, value: S, time: number): void {
    const slot = this.lookup(key);
    if (slot < 0) this.insert(key, value, time);
    else this.update(slot, key, value, time);
  }

  delete(key: K): boolean {
    const slot = this.lookup(key);
    if (slot < 0) return false;
    this.remove(slot, key);
    return true;
  }

  /** Every entry as it is now: state, key, last-updated time (NaN when not tracked). */
  forEach(f: (value: S, key: K, time: number) => void): void {
    this.forEachSlot((slot, key) => f(this.valueAt(slot), key, this.timeAt(slot)));
  }

  /**
   * Approximate heap bytes of the entries (state-size.ts): the first `sample` entries of each
   * kind of key are estimated and scaled by their counts, so the cost does not grow with the map.
   */
  approximateBytes(sample: number): number {
    const cells = this.cells;
    const stateOf = (v: unknown): unknown => (this.inline ? v : cells[2 * (v as number)]);
    const perEntry = this.inline ? MAP_ENTRY_BYTES : MAP_ENTRY_BYTES + SLOT_ENTRY_BYTES;
    let bytes = perEntry * this.size;
    bytes += sampledBytes(this.primitives, this.primitives.size, sample, ([key, v]) => {
      return approximateBytes(key) + approximateBytes(stateOf(v));
    });
    const composites = this.composites ?? new Map<string, CompositeEntry<K, S>>();
    bytes += sampledBytes(composites, composites.size, sample, ([encoding, e]) => {
      const state = approximateBytes(this.inline ? e.value : cells[2 * e.slot]);
      return COMPOSITE_ENTRY_BYTES + approximateBytes(encoding) + approximateBytes(e.key) + state;
    });
    return Math.round(bytes);
  }

  // ------------------------------------------------------------ versions

  /** Starts applying the batch at `time`: changes from now on are logged until `endVersion`. */
  beginVersion(time: number): void {
    this.versions.begin(time);
  }

  endVersion(): void {
    this.versions.end();
  }

  /** Undoes every change of the version being applied and goes back to the previous version. */
  rollback(): void {
    this.versions.abandon((log) => {
      for (let i = log.count - 1; i >= 0; i--) {
        const key = log.key(i) as K;
        const value = log.value(i);
        const slot = this.lookup(key);
        if (value === ABSENT) {
          if (slot >= 0) this.remove(slot, key);
        } else if (slot >= 0) {
          this.update(slot, key, value as S, log.time(i));
        } else {
          this.insert(key, value as S, log.time(i));
        }
      }
    });
  }

  /** Whether the map can still be read as of `version` (now, or a version whose logs are kept). */
  canRead(version: number): boolean {
    return this.versions.canRead(version);
  }

  /**
   * Calls `f` for every entry as it was at `version` (now, or an earlier version whose undo logs
   * are kept). Returns false, calling nothing, when that version can no longer be read.
   */
  forEachAsOf(version: number, f: (value: S, key: K, time: number) => void): boolean {
    if (version === this.versions.current) {
      this.forEach(f);
      return true;
    }
    if (!this.canRead(version)) return false;
    const then = this.versions.valuesAt<K>(version);
    this.forEach((value, key, time) => {
      if (!then.has(key)) f(value, key, time);
    });
    then.forEach((old, key) => {
      if (old.value !== ABSENT) f(old.value as S, key, old.time);
    });
    return true;
  }

  /**
   * Calls `f` once for every key the current version changed, with its state before the version
   * (`had` false when it had none) and now (`has` false when removed): what a changelog records.
   */
  forEachChange(f: (key: K, had: boolean, before: S, has: boolean, after: S) => void): void {
    this.versions.forEachChanged<K>((key, old) => {
      const slot = this.lookup(key);
      const after = slot >= 0 ? this.valueAt(slot) : (undefined as S);
      f(key, old !== ABSENT, old as S, slot >= 0, after);
    });
  }

  /** Forgets the undo logs not needed to read versions from `oldestReadable` on. */
  trim(oldestReadable: number): void {
    this.versions.trim(oldestReadable);
  }

  /** How many changes the kept undo logs hold (for tests and metrics). */
  get loggedChanges(): number {
    return this.versions.loggedChanges;
  }

  /** Empties the map and makes `version` its current version, with no history. */
  reset(version: number): void {
    this.primitives.clear();
    this.composites = undefined;
    this.cells = [];
    this.timeBase = NaN;
    this.freeSlots.length = 0;
    this.slotCount = 0;
    this.lastComposite = undefined;
    this.found = undefined;
    this.foundEntry = undefined;
    this.versions.clear(version);
  }
}
