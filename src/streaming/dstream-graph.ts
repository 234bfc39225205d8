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
    // Always, as Spark's remember(null): windows extend their parents' durations on the way up.
    for (const s of this.outputStreams) s.rememberAtLeast(this.rememberDuration);
    for (const s of this.allStreams()) s.validateAtStart();
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

  /**
   * Every stream reachable from an output stream, parents after children, each once. As in Spark,
   * an input stream that no output uses is not part of it: it is never initialized or validated.
   */
  allStreams(): GraphStream[] {
    const seen = new Set<GraphStream>();
    const visit = (s: GraphStream): void => {
      if (seen.has(s)) return;
      seen.add(s);
      for (const p of s.dependencies) visit(p);
    };
    for (const s of this.outputStreams) visit(s);
    return [...seen];
  }
}
