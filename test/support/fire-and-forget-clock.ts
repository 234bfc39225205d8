import type { Clock } from 'dstream';

/**
 * A clock that starts due tasks without waiting for them, as the system clock does, but moves only
 * when told to: what a slow batch does to the following ones (batches that queue, or overlap with
 * `spark.streaming.concurrentJobs` > 1), without timing anything. (`ManualClock.advance` awaits
 * each batch, so a batch that waits for the test would never let the clock move on.)
 */
export class FireAndForgetClock implements Clock {
  private time: number;
  private readonly tasks: { at: number; task: () => unknown }[] = [];

  constructor(startTime = 0) {
    this.time = startTime;
  }

  now(): number {
    return this.time;
  }

  schedule(at: number, task: () => unknown): { cancel(): void } {
    const entry = { at, task };
    this.tasks.push(entry);
    return { cancel: () => void this.tasks.splice(this.tasks.indexOf(entry) >>> 0, 1) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.schedule(this.time + ms, resolve));
  }

  /** Sets the time and starts every task due by then, in time order, without awaiting them. */
  async moveTo(time: number): Promise<void> {
    this.time = time;
    for (;;) {
      const due = this.tasks.filter((t) => t.at <= time).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.tasks.splice(this.tasks.indexOf(due), 1);
      void due.task();
      await turns();
    }
    await turns();
  }
}

/** A few turns of the event loop: enough for promise chains and listener events to settle. */
export async function turns(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A promise the test resolves when it chooses: what a slow sink or a held-back job waits for. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
