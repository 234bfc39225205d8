// The UI's /metrics against the running application of test/support/ui-scenario.ts: the text
// parses as Prometheus exposition format (0.0.4), names follow Prometheus' conventions, and the
// counters and histograms equal the batch info a listener of the same context saw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLogLevel } from 'dstream';
import { startScenario, type Scenario } from './support/ui-scenario.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

/** Parses Prometheus' text format strictly enough to fail on anything malformed. */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(meta[3]);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const pair of m![2]?.match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []) {
      const eq = pair.indexOf('=');
      labels[pair.slice(0, eq)] = JSON.parse(pair.slice(eq + 1)) as string;
    }
    const value = m![3] === '+Inf' ? Infinity : Number(m![3]);
    expect(Number.isNaN(value), line).toBe(false);
    samples.push({ name: m![1]!, labels, value });
  }
  return { types, samples };
}

let s: Scenario;
let metrics: Exposition;

beforeAll(async () => {
  setLogLevel('OFF');
  s = await startScenario();
  const res = await fetch(`${s.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  metrics = parseExposition(await res.text());
});

afterAll(async () => {
  await s.finish();
  await s.ssc.stop();
});

const value = (name: string, labels: Record<string, string> = {}) =>
  metrics.samples.find(
    (x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v),
  )?.value;

describe('/metrics', () => {
  it("follows Prometheus' naming: one prefix, _total counters, histograms in seconds", () => {
    expect(metrics.types.size).toBeGreaterThan(0);
    for (const [name, type] of metrics.types) {
      expect(name).toMatch(/^dstream_streaming_[a-z_]+$/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
    }
    for (const sample of metrics.samples) {
      const family = sample.name.replace(/_(bucket|sum|count)$/, '');
      expect(metrics.types.has(sample.name) || metrics.types.has(family), sample.name).toBe(true);
    }
  });

  it('counts what the listener saw: batches completed and failed, records received and processed', () => {
    const completed = [...s.seen.completed.values()];
    const started = [...s.seen.latest.values()].filter((b) => b.processingStartTime !== undefined);
    expect(value('dstream_streaming_batches_completed_total')).toBe(completed.length);
    expect(value('dstream_streaming_batches_failed_total')).toBe(
      completed.filter((b) => b.failureReason !== undefined).length,
    );
    expect(value('dstream_streaming_records_processed_total')).toBe(
      completed.reduce((n, b) => n + b.numRecords, 0),
    );
    expect(value('dstream_streaming_records_received_total')).toBe(
      started.reduce((n, b) => n + b.numRecords, 0),
    );
    expect(value('dstream_streaming_batches_waiting')).toBe(1);
    expect(value('dstream_streaming_batches_running')).toBe(1);
    expect(completed.length).toBe(2);
  });

  it('has a histogram of each delay over the completed batches, in seconds', () => {
    const completed = [...s.seen.completed.values()];
    const delays = {
      dstream_streaming_scheduling_delay_seconds: completed.map((b) => b.schedulingDelay!),
      dstream_streaming_processing_time_seconds: completed.map((b) => b.processingDelay!),
      dstream_streaming_total_delay_seconds: completed.map((b) => b.totalDelay!),
    };
    for (const [name, ms] of Object.entries(delays)) {
      expect(metrics.types.get(name)).toBe('histogram');
      expect(value(`${name}_count`)).toBe(ms.length);
      expect(value(`${name}_sum`)).toBeCloseTo(ms.reduce((a, b) => a + b, 0) / 1000, 9);
      const buckets = metrics.samples.filter((x) => x.name === `${name}_bucket`);
      for (const b of buckets) {
        const le = Number(b.labels.le === '+Inf' ? Infinity : b.labels.le);
        expect(b.value, `${name} le=${le}`).toBe(ms.filter((d) => d / 1000 <= le).length);
      }
      expect(buckets.at(-1)!.labels.le).toBe('+Inf');
    }
  });

  it("gives each receiver's status, labelled with its stream", () => {
    // Labelled with the stream's name, which stays the same across receiver restarts.
    expect(value('dstream_streaming_receiver_active', { stream_id: '0' })).toBe(1);
    const receiver = metrics.samples.find((x) => x.name === 'dstream_streaming_receiver_active');
    expect(receiver!.labels.stream_name).toBe('Pluggable stream [0]');
    // The queue stream has no receiver: no status.
    expect(value('dstream_streaming_receiver_active', { stream_id: '1' })).toBeUndefined();
  });
});
