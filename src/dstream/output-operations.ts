import type { RDD } from '../rdd/index.js';
import { attachOperations, type Implementation } from '../util/attach.js';
import { userCallSite, userCallSiteLong } from '../util/call-site.js';
import { formatValue } from '../util/format.js';
import type { Time } from '../util/time.js';
import { DStream } from './dstream.js';
import { ForEachDStream, type OutputCallSite } from './for-each.js';

/**
 * Output operations: each registers the stream as an output of the graph, and runs as one job per
 * batch, in the order the outputs were declared.
 */
export interface OutputOperations<T> {
  /**
   * Calls `f` on the driver with each batch's RDD and time. `f` may be async: the batch is done
   * when its promise settles. Use RDD actions inside (`rdd.isEmpty()`, `foreachPartition`).
   */
  foreachRDD(f: (rdd: RDD<T>, time: Time) => void | Promise<unknown>): void;
  /**
   * Prints the first `num` elements of each batch exactly as Spark does: a line of 43 dashes,
   * `Time: <ms> ms`, 43 dashes, the elements (pairs as `(k,v)`), `...` when there are more, and
   * a blank line.
   */
  print(num?: number): void;
  /** Writes each batch as text files into the directory `prefix-<ms>[.suffix]`. */
  saveAsTextFiles(prefix: string, suffix?: string): void;
}

declare module './dstream.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- DStream gets OutputOperations' members
  interface DStream<T> extends OutputOperations<T> {}
}

/**
 * Spark's short and long call site of an output operation: its name in listener events and the UI
 * (`print at app.ts:12`) and its description (the user's stack frames below that line).
 */
function callSite(operation: string): OutputCallSite {
  return { name: `${operation} at ${userCallSite()}`, description: userCallSiteLong() };
}

const DASHES = '-------------------------------------------';

function outputOperations<T>(): Implementation<OutputOperations<T>, DStream<T>> {
  return {
    foreachRDD(f) {
      new ForEachDStream(this, f, callSite('foreachRDD'));
    },

    print(num = 10) {
      new ForEachDStream(
        this,
        async (rdd, time) => {
          const first = await rdd.take(num + 1);
          let out = `${DASHES}\nTime: ${time}\n${DASHES}\n`;
          for (let i = 0; i < Math.min(num, first.length); i++) out += formatValue(first[i]) + '\n';
          if (first.length > num) out += '...\n';
          process.stdout.write(out + '\n');
        },
        callSite('print'),
      );
    },

    saveAsTextFiles(prefix, suffix = '') {
      new ForEachDStream(
        this,
        (rdd, time) => rdd.writeTextFiles(rddToFileName(prefix, suffix, time)),
        callSite('saveAsTextFiles'),
      );
    },
  };
}

attachOperations(DStream.prototype, outputOperations());

/** Spark's output naming: `prefix-<ms>.suffix`, dropping an empty prefix or suffix. */
export function rddToFileName(prefix: string, suffix: string, time: Time): string {
  let name = String(time.milliseconds);
  if (prefix) name = `${prefix}-${name}`;
  if (suffix) name = `${name}.${suffix}`;
  return name;
}
