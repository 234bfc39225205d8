import type { Time } from '../util/time.js';
import { frozenInputInfo, type StreamInputInfo } from './batch-info.js';

/**
 * Collects what each input stream reports for each batch, for the batch's `BatchInfo`; a report is
 * frozen when it arrives (Spark's `StreamInputInfo` is immutable).
 */
export class InputInfoTracker {
  private readonly byBatch = new Map<number, Map<number, StreamInputInfo>>();

  reportInfo(time: Time, info: StreamInputInfo): void {
    let infos = this.byBatch.get(time.milliseconds);
    if (!infos) this.byBatch.set(time.milliseconds, (infos = new Map<number, StreamInputInfo>()));
    infos.set(info.inputStreamId, frozenInputInfo(info));
  }

  getInfo(time: Time): ReadonlyMap<number, StreamInputInfo> {
    return this.byBatch.get(time.milliseconds) ?? new Map<number, StreamInputInfo>();
  }

  cleanup(before: Time): void {
    for (const t of this.byBatch.keys()) if (t < before.milliseconds) this.byBatch.delete(t);
  }
}
