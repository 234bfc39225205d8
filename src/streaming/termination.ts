import type { DStreamError } from '../errors.js';
import type { Cancellable, Clock } from '../util/clock.js';

interface Waiter {
  resolve(stopped: boolean): void;
  reject(e: DStreamError): void;
}

/**
 * Who waits for a context to end, and why it ended: `awaitTermination` resolves `true` on stop,
 * `false` on its timeout, and rejects with the first batch failure as soon as it happens (and on
 * every later call).
 */
export class Termination {
  private firstError: DStreamError | undefined;
  private readonly waiters: Waiter[] = [];

  constructor(private readonly clock: Clock) {}

  get error(): DStreamError | undefined {
    return this.firstError;
  }

  wait(stopped: boolean, timeoutMs?: number): Promise<boolean> {
    if (this.firstError) return Promise.reject(this.firstError);
    if (stopped) return Promise.resolve(true);
    return new Promise<boolean>((resolve, reject) => {
      // The timer is cancelled when the wait ends otherwise: a pending system timer would keep
      // the process alive until the timeout.
      let timer: Cancellable | undefined;
      const waiter: Waiter = {
        resolve: (s) => {
          timer?.cancel();
          resolve(s);
        },
        reject: (e) => {
          timer?.cancel();
          reject(e);
        },
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined && timeoutMs >= 0) {
        timer = this.clock.schedule(this.clock.now() + timeoutMs, () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) {
            this.waiters.splice(i, 1);
            resolve(false);
          }
        });
      }
    });
  }

  /** Records a failure; only the first one counts. */
  fail(error: DStreamError): void {
    if (this.firstError) return;
    this.firstError = error;
    for (const w of this.waiters.splice(0)) w.reject(error);
  }

  /** The context stopped: every waiter resolves `true`. */
  stopped(): void {
    for (const w of this.waiters.splice(0)) w.resolve(true);
  }
}
