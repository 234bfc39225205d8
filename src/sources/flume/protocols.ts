// The two Avro protocols of Spark's Flume integration, exactly as the jars compile them in
// (AvroSourceProtocol.PROTOCOL from flume-ng-sdk 1.11.0, SparkFlumeProtocol.PROTOCOL from
// spark-streaming-flume-sink 2.4.8; "doc" left out), and avsc, which speaks them. A JSON protocol,
// not IDL: avsc's IDL reader makes every void message one-way, and a one-way ack/nack is refused
// by the real SparkSink (seen against Spark 2.4.8's SparkSink in a Flume 1.11 agent).
import type { Service } from 'avsc';
import { optionalPeer } from '../../util/optional-peer.js';

/** Flume's `AvroSourceProtocol`: what an Avro sink calls (the push stream is its server). */
export const AVRO_SOURCE_PROTOCOL = {
  protocol: 'AvroSourceProtocol',
  namespace: 'org.apache.flume.source.avro',
  types: [
    { type: 'enum', name: 'Status', symbols: ['OK', 'FAILED', 'UNKNOWN'] },
    {
      type: 'record',
      name: 'AvroFlumeEvent',
      fields: [
        { name: 'headers', type: { type: 'map', values: 'string' } },
        { name: 'body', type: 'bytes' },
      ],
    },
  ],
  messages: {
    append: { request: [{ name: 'event', type: 'AvroFlumeEvent' }], response: 'Status' },
    appendBatch: {
      request: [{ name: 'events', type: { type: 'array', items: 'AvroFlumeEvent' } }],
      response: 'Status',
    },
  },
} as const;

/** Spark's `SparkFlumeProtocol`: what the SparkSink serves (the pull stream is its client). */
export const SPARK_FLUME_PROTOCOL = {
  protocol: 'SparkFlumeProtocol',
  namespace: 'org.apache.spark.streaming.flume.sink',
  types: [
    {
      type: 'record',
      name: 'SparkSinkEvent',
      fields: [
        { name: 'headers', type: { type: 'map', values: 'string' } },
        { name: 'body', type: 'bytes' },
      ],
    },
    {
      type: 'record',
      name: 'EventBatch',
      fields: [
        { name: 'errorMsg', type: 'string', default: '' },
        { name: 'sequenceNumber', type: 'string' },
        { name: 'events', type: { type: 'array', items: 'SparkSinkEvent' } },
      ],
    },
  ],
  messages: {
    getEventBatch: { request: [{ name: 'n', type: 'int' }], response: 'EventBatch' },
    ack: { request: [{ name: 'sequenceNumber', type: 'string' }], response: 'null' },
    nack: { request: [{ name: 'sequenceNumber', type: 'string' }], response: 'null' },
  },
} as const;

/** An event as both protocols encode it (AvroFlumeEvent, SparkSinkEvent). */
export interface WireEvent {
  headers: Record<string, string>;
  body: Buffer;
}

/** SparkFlumeProtocol's `EventBatch`: an empty `errorMsg` means a valid batch. */
export interface EventBatch {
  errorMsg: string;
  sequenceNumber: string;
  events: WireEvent[];
}

export interface FlumeServices {
  readonly avroSource: Service;
  readonly sparkFlume: Service;
}

/** avsc (5.x: its services were dropped in 6), loaded on first use, with both protocols. */
export const loadServices = optionalPeer<FlumeServices>(
  'dstream/flume',
  { name: 'avsc', spec: 'avsc@5.7.9' },
  async () => {
    const avsc = (await import('avsc')).default;
    return {
      avroSource: avsc.Service.forProtocol(AVRO_SOURCE_PROTOCOL),
      sparkFlume: avsc.Service.forProtocol(SPARK_FLUME_PROTOCOL),
    };
  },
  'DSTREAM_ERR_FLUME_CLIENT_MISSING',
);
