import type { WorkerTaskRunner } from './task-threads/worker-task-runner.js';
import { prepareStart } from './checkpoint/at-start.js';
import type { DStreamGraph } from './dstream-graph.js';
import { startTaskThreads } from './parallel-execution.js';
import type { StreamingContext } from './streaming-context.js';
import { startUiIfEnabled, type StreamingUi } from './ui-hook.js';

/**
 * What runs beside an active context, started in the order Spark starts it: the web UI (before the
 * inputs, so that it hears every receiver's start), the recovery from a checkpoint, the task
 * threads of `local[N]`, then the inputs. A start that fails stops what had started.
 */
export class ContextServices {
  private ui: StreamingUi | undefined;

  constructor(
    private readonly ssc: StreamingContext,
    private readonly graph: DStreamGraph,
    /** The task threads of `local[N]`, when tasks run on them. */
    private readonly workers: WorkerTaskRunner | undefined,
  ) {}

  /** The web UI's address while it runs. */
  get uiUrl(): string | undefined {
    return this.ui?.url;
  }

  /**
   * Validates the graph and starts everything; returns what begins the batches. On a failure,
   * `failed` hears of it first, then what started is stopped and the error rethrown.
   */
  async start(
    checkpointDir: string | undefined,
    failed: (e: unknown) => void,
  ): Promise<() => void> {
    try {
      this.graph.validate();
      this.ui = await startUiIfEnabled(this.ssc);
      const beginBatches = await prepareStart(this.ssc, checkpointDir);
      if (this.workers) await startTaskThreads(this.workers, this.ssc.conf);
      await this.graph.startInputs();
      return beginBatches;
    } catch (e) {
      failed(e);
      await this.graph.stopInputs().catch(() => undefined);
      await this.workers?.close();
      await this.stopUi();
      throw e;
    }
  }

  async stopUi(): Promise<void> {
    await this.ui?.stop();
    this.ui = undefined;
  }
}
