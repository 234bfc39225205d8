import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchInfo } from '../streaming/batch-info.js';
import type { StreamingListener } from '../streaming/listener-bus.js';
import type { StreamingJobProgressListener } from './progress-listener.js';

/** Delay buckets in seconds: from sub-second batches to minutes behind. */
const DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * The streaming metrics in Prometheus' text format, one registry per UI (never prom-client's
 * global one, which the application may use for its own metrics). Counters and histograms are fed
 * by listener events; gauges read the progress listener when scraped. Names follow Prometheus'
 * conventions: `dstream_streaming_` prefix, `_total` counters, base units (seconds).
 */
export class StreamingMetrics implements StreamingListener {
  /** The UI's own prom-client registry: register more metrics in it to serve them at `/metrics`. */
  readonly registry = new Registry();
  private readonly batchesCompleted: Counter;
  private readonly batchesFailed: Counter;
  private readonly recordsReceived: Counter;
  private readonly recordsProcessed: Counter;
  private readonly delays: Record<'scheduling' | 'processing' | 'total', Histogram>;

  constructor(progress: StreamingJobProgressListener) {
    const registers = [this.registry];
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.batchesCompleted = counter(
      'dstream_streaming_batches_completed_total',
      'Batches whose output operations have all ended (failed ones included).',
    );
    this.batchesFailed = counter(
      'dstream_streaming_batches_failed_total',
      'Completed batches with at least one failed output operation.',
    );
    this.recordsReceived = counter(
      'dstream_streaming_records_received_total',
      'Records of the batches that started processing.',
    );
    this.recordsProcessed = counter(
      'dstream_streaming_records_processed_total',
      'Records of the completed batches.',
    );
    const histogram = (name: string, help: string) =>
      new Histogram({ name, help, buckets: DELAY_BUCKETS, registers });
    this.delays = {
      scheduling: histogram(
        'dstream_streaming_scheduling_delay_seconds',
        'Time a batch waited for the scheduler before its first job started.',
      ),
      processing: histogram(
        'dstream_streaming_processing_time_seconds',
        'Time taken to process all jobs of a batch.',
      ),
      total: histogram(
        'dstream_streaming_total_delay_seconds',
        'Scheduling delay plus processing time of a batch.',
      ),
    };
    new Gauge({
      name: 'dstream_streaming_receiver_active',
      help: 'Whether the receiver of an input stream is active (1) or not (0).',
      labelNames: ['stream_id', 'stream_name'],
      registers,
      collect() {
        for (const s of progress.inputStreams.filter((s) => s.receiverBased)) {
          const active = progress.receiverInfo(s.streamId)?.active ?? false;
          this.set({ stream_id: String(s.streamId), stream_name: s.name }, active ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'dstream_streaming_batches_waiting',
      help: 'Batches submitted and not yet started.',
      registers,
      collect() {
        this.set(progress.waitingBatches.length);
      },
    });
    new Gauge({
      name: 'dstream_streaming_batches_running',
      help: 'Batches whose jobs are running.',
      registers,
      collect() {
        this.set(progress.runningBatches.length);
      },
    });
  }

  onBatchStarted(event: { readonly batchInfo: BatchInfo }): void {
    this.recordsReceived.inc(event.batchInfo.numRecords);
  }

  onBatchCompleted(event: { readonly batchInfo: BatchInfo }): void {
    const info = event.batchInfo;
    this.batchesCompleted.inc();
    if (info.failureReason !== undefined) this.batchesFailed.inc();
    this.recordsProcessed.inc(info.numRecords);
    const observe = (h: Histogram, ms: number | undefined) => {
      if (ms !== undefined) h.observe(ms / 1000);
    };
    observe(this.delays.scheduling, info.schedulingDelay);
    observe(this.delays.processing, info.processingDelay);
    observe(this.delays.total, info.totalDelay);
  }

  /** The exposition text, and its content type. */
  async scrape(): Promise<{
    /** The metrics in Prometheus' text format. */
    text: string;
    /** The Content-Type to send them with. */
    contentType: string;
  }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
