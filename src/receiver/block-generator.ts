import { DStreamError, requirement } from '../errors.js';
import type { Cancellable, Clock } from '../util/clock.js';
import type { RateLimiter } from './rate-limiter.js';

/** Records a receiver stored, which become one partition of the batch that takes them. */
export interface ReceivedBlock<T> {
  /** `input-<streamId>-<n>`, as Spark names stream blocks. */
  readonly blockId: string;
  /** The records, in the order they were stored. */
  readonly records: readonly T[];
}

const INITIALIZED = 0;
const ACTIVE = 1;
const STOPPED = 2;

/**
 * Cuts the records a receiver stores one by one into blocks, as Spark's `BlockGenerator`: every
 * block interval (on the context's clock, aligned to multiples of the interval) the records
 * buffered so far become one block; an interval with no record makes no block.
 *
 * Rate limiting is a token bucket refilled at each tick: records beyond the allowance wait, in
 * order, for the following intervals (a receiver on an event loop cannot block as Spark's does).
 * The receiver is told when more than one second of allowance waits (`isBackpressured`), and
 * `onDrain` is called once the backlog falls back under that bound, so that a receiver that can
 * stop reading (a socket) keeps memory bounded.
 */
export class BlockGenerator<T> {
  private buffer: T[] = [];
  private waiting: T[] = [];
  /** Records that may still enter the current block (`Infinity` when not rate-limited). */
  private tokens = Infinity;
  private state = INITIALIZED;
  private nextTick = 0;
  private lastRefill = 0;
  private timer: Cancellable | undefined;
  /** Waiting records from which the receiver is backpressured (`Infinity`: not rate-limited). */
  private maxWaiting = Infinity;
  /** The receiver was told it is backpressured and waits for `onDrain`. */
  private drainWanted = false;

  constructor(
    private readonly clock: Clock,
    readonly blockIntervalMs: number,
    private readonly streamId: number,
    private readonly limiter: RateLimiter,
    private readonly onBlock: (block: ReceivedBlock<T>) => void,
    private readonly onDrain: () => void = () => {},
  ) {
    requirement(
      blockIntervalMs > 0,
      'DSTREAM_ERR_INVALID_CONF',
      "'spark.streaming.blockInterval' should be a positive value",
    );
  }

  start(): void {
    if (this.state !== INITIALIZED) return;
    this.state = ACTIVE;
    const now = this.clock.now();
    this.lastRefill = now;
    this.tokens = this.initialTokens();
    this.maxWaiting = this.burst();
    this.nextTick = this.firstTickAfter(now);
    this.schedule();
  }

  /** Buffers one record (the hot path: a comparison and a push). */
  addData(item: T): void {
    if (this.state !== ACTIVE) throw cannotAddData();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.buffer.push(item);
    } else {
      this.waiting.push(item);
    }
  }

  get isActive(): boolean {
    return this.state === ACTIVE;
  }

  /** Records stored but not yet in a block. */
  get bufferedRecords(): number {
    return this.buffer.length + this.waiting.length;
  }

  /**
   * True while at least one second of allowance (at the current rate) waits for the rate limit;
   * `onDrain` is then called once fewer wait.
   */
  isBackpressured(): boolean {
    if (this.waiting.length < this.maxWaiting) return false;
    this.drainWanted = true;
    return true;
  }

  /**
   * Cuts the block of an interval that has ended by `now` but whose tick has not run yet, so that
   * a batch at time T takes the records stored up to T whichever timer fires first.
   */
  generateDueBlock(now: number): void {
    if (this.state !== ACTIVE || this.nextTick > now) return;
    this.timer?.cancel();
    this.tick(this.nextTick);
  }

  /** Records per second now allowed (`Infinity`: no limit). */
  getCurrentLimit(): number {
    return this.limiter.getCurrentLimit();
  }

  /** Changes the rate limit (backpressure's hook); applies from the next interval. */
  updateRate(recordsPerSecond: number): void {
    const before = this.limiter.getCurrentLimit();
    this.limiter.updateRate(recordsPerSecond);
    if (before === Infinity && this.limiter.getCurrentLimit() !== Infinity) {
      this.tokens = this.initialTokens();
    }
    if (this.state === ACTIVE) {
      this.maxWaiting = this.burst();
      this.drainIfBelowBound();
    }
  }

  /** Stops taking records and turns everything buffered (waiting records too) into a last block. */
  stop(): void {
    if (this.state === STOPPED) return;
    const wasActive = this.state === ACTIVE;
    this.state = STOPPED;
    this.timer?.cancel();
    this.timer = undefined;
    if (!wasActive) return;
    const rest = this.waiting.length > 0 ? this.buffer.concat(this.waiting) : this.buffer;
    this.buffer = [];
    this.waiting = [];
    this.drainWanted = false;
    if (rest.length > 0) {
      this.onBlock({
        blockId: `input-${this.streamId}-${this.nextTick - this.blockIntervalMs}`,
        records: rest,
      });
    }
  }

  private schedule(): void {
    const at = this.nextTick;
    this.timer = this.clock.schedule(at, () => {
      if (this.state === ACTIVE && at === this.nextTick) this.tick(at);
    });
  }

  private tick(at: number): void {
    const interval = this.blockIntervalMs;
    if (this.buffer.length > 0) {
      const records = this.buffer;
      this.buffer = [];
      this.onBlock({ blockId: `input-${this.streamId}-${at - interval}`, records });
    }
    this.refill(at);
    const now = this.clock.now();
    this.nextTick = at + interval > now ? at + interval : this.firstTickAfter(now);
    this.schedule();
  }

  private refill(at: number): void {
    const rate = this.limiter.getCurrentLimit();
    const elapsed = at - this.lastRefill;
    this.lastRefill = at;
    // Up to one second of unused allowance carries over, as Guava's bursty limiter allows.
    this.tokens =
      rate === Infinity ? Infinity : Math.min(this.burst(), this.tokens + (rate * elapsed) / 1000);
    if (this.waiting.length > 0 && this.tokens >= 1) {
      const n = Math.min(this.waiting.length, Math.floor(this.tokens));
      this.tokens -= n;
      const admitted = n === this.waiting.length ? this.waiting : this.waiting.splice(0, n);
      if (admitted === this.waiting) this.waiting = [];
      for (let i = 0; i < admitted.length; i++) this.buffer.push(admitted[i]!);
    }
    this.drainIfBelowBound();
  }

  private drainIfBelowBound(): void {
    if (!this.drainWanted || this.waiting.length >= this.maxWaiting) return;
    this.drainWanted = false;
    this.onDrain();
  }

  /** One second of allowance at the current rate (at least one block interval's, and 1). */
  private burst(): number {
    const rate = this.limiter.getCurrentLimit();
    return rate === Infinity
      ? Infinity
      : Math.max(1, (rate * Math.max(this.blockIntervalMs, 1000)) / 1000);
  }

  private initialTokens(): number {
    const rate = this.limiter.getCurrentLimit();
    return rate === Infinity ? Infinity : Math.max(1, (rate * this.blockIntervalMs) / 1000);
  }

  private firstTickAfter(now: number): number {
    return (Math.floor(now / this.blockIntervalMs) + 1) * this.blockIntervalMs;
  }
}

/** Spark's refusal of data stored when the receiver is not running. */
export function cannotAddData(): DStreamError {
  return new DStreamError(
    'DSTREAM_ERR_RECEIVER',
    'Cannot add data as BlockGenerator has not been started or has been stopped',
  );
}
