import { requirement } from '../errors.js';
import type { Duration } from '../util/duration.js';
import type { Time } from '../util/time.js';
import type { GraphStream, InputStream, OutputStream } from './graph-stream.js';
import type { Job } from './job.js';

/**
 * The streams of one context: the input streams that bring data in and the output streams that
 * output operations registered. Only what output streams reach is ever computed.
 */
export class DStreamGraph {
  readonly inputStreams: InputStream[] = [];
  readonly outputStreams: OutputStream[] = [];
  zeroTime: Time | undefined;
  rememberDuration: Duration | undefined;

  constructor(readonly batchDuration: Duration) {}

  addInputStream(stream: InputStream): void {
    this.inputStreams.push(stream);
  }

  addOutputStream(stream: OutputStream): void {
    this.outputStreams.push(stream);
  }

  remember(duration: Duration): void {
    requirement(
      this.rememberDuration === undefined,
      'DSTREAM_ERR_REMEMBER_ALREADY_SET',
      `Remember duration already set as ${this.rememberDuration}. Cannot set it again.`,
    );
    this.rememberDuration = duration;
  }

  /** Checks what `start()` checks before anything starts (Spark's `validate`). */
  validate(): void {
    requirement(
      this.outputStreams.length > 0,
      'DSTREAM_ERR_NO_OUTPUT_OPERATIONS',
      'No output operations registered, so nothing to execute',
    );
  }

  /** Sets the zero time on every stream, applies remember durations, validates each stream. */
  initialize(zeroTime: Time): void {
    this.zeroTime = zeroTime;
    for (const s of this.outputStreams) s.initialize(zeroTime);
    // Also without remember(): streams such as windows ask their parents to remember longer.
    for (const s of this.outputStreams) s.rememberAtLeast(this.rememberDuration);
    // As Spark, only what outputs reach: an input stream no output uses is never initialized.
    for (const s of this.computedStreams()) s.validateAtStart();
  }

  async startInputs(): Promise<void> {
    for (const s of this.inputStreams) await s.start();
  }

  async stopInputs(): Promise<void> {
    for (const s of this.inputStreams) await s.stop();
  }

  async prepareBatch(time: Time): Promise<void> {
    for (const s of this.inputStreams) await s.prepareBatch?.(time);
  }

  /** One job per output stream that has an RDD for `time`, numbered in registration order. */
  generateJobs(time: Time): Job[] {
    const jobs: Job[] = [];
    this.outputStreams.forEach((s, i) => {
      const job = s.generateJob(time);
      if (job) {
        job.outputOpId = i;
        jobs.push(job);
      }
    });
    return jobs;
  }

  clearMetadata(time: Time): void {
    for (const s of this.outputStreams) s.clearMetadata(time);
  }

  /** Every stream reachable from an output stream (what batches compute), each once. */
  computedStreams(): GraphStream[] {
    return [...this.visit(this.outputStreams)];
  }

  /** Every stream reachable from an output stream, then input streams no output uses. */
  allStreams(): GraphStream[] {
    const seen = this.visit(this.outputStreams);
    for (const s of this.inputStreams) seen.add(s);
    return [...seen];
  }

  /** `roots` and their ancestors, children before parents, each once. */
  private visit(roots: readonly GraphStream[]): Set<GraphStream> {
    const seen = new Set<GraphStream>();
    const visit = (s: GraphStream): void => {
      if (seen.has(s)) return;
      seen.add(s);
      for (const p of s.dependencies) visit(p);
    };
    for (const s of roots) visit(s);
    return seen;
  }
}
