import { Counter, Gauge, type Registry } from 'prom-client';
import type { TaskThreadInfo } from '../streaming/engine-info.js';
import type { EngineStatusListener } from './engine-listener.js';

/**
 * dstream's metrics beyond Spark's, in the UI's registry: state size per stateful operator, tasks
 * per thread, Kafka lag per partition. Gauges read the {@link EngineStatusListener} when scraped;
 * the task counter follows the totals the events carry.
 */
export function registerEngineMetrics(registry: Registry, engine: EngineStatusListener): void {
  const registers = [registry];
  // Labelled by the state's stable key (it survives a new version of the application) and by
  // the call-site name people recognise (`updateStateByKey at app.ts:12`).
  const operatorLabels = ['operator', 'name'];
  new Gauge({
    name: 'dstream_streaming_state_keys',
    help: 'Keys in the state of a stateful operator (updateStateByKey, mapWithState) after the last batch.',
    labelNames: operatorLabels,
    registers,
    collect() {
      for (const op of engine.stateOperators) {
        this.set({ operator: op.id, name: op.name }, op.numKeys);
      }
    },
  });
  new Gauge({
    name: 'dstream_streaming_state_bytes',
    help: 'Approximate heap bytes of the state of a stateful operator, estimated from a sample of its entries.',
    labelNames: operatorLabels,
    registers,
    collect() {
      for (const op of engine.stateOperators) {
        this.set({ operator: op.id, name: op.name }, op.approximateBytes);
      }
    },
  });
  const seen = new Map<string, number>();
  new Counter({
    name: 'dstream_streaming_task_threads_tasks_total',
    help: 'Tasks run by the driver and each task thread of local[N], by result (failed: threw, or lost with its thread).',
    labelNames: ['thread', 'result'],
    registers,
    collect() {
      for (const t of engine.taskThreads) {
        for (const [result, total] of results(t)) {
          // The events carry totals; a counter only goes up, by what was not counted yet.
          const key = `${t.thread}\0${result}`;
          const delta = total - (seen.get(key) ?? 0);
          if (delta > 0) this.inc({ thread: t.thread, result }, delta);
          else if (!seen.has(key)) this.inc({ thread: t.thread, result }, 0);
          seen.set(key, Math.max(total, seen.get(key) ?? 0));
        }
      }
    },
  });
  new Gauge({
    name: 'dstream_streaming_kafka_lag_records',
    help: 'Records in a Kafka partition past the end of the last batch of a direct stream, when that batch was fixed.',
    labelNames: ['stream_id', 'topic', 'partition'],
    registers,
    collect() {
      for (const l of engine.kafkaLags) {
        const labels = {
          stream_id: String(l.streamId),
          topic: l.topic,
          partition: String(l.partition),
        };
        this.set(labels, l.lag);
      }
    },
  });
}

function results(t: TaskThreadInfo): [string, number][] {
  return [
    ['succeeded', t.tasksSucceeded],
    ['failed', t.tasksFailed],
  ];
}
