// Type tests of the context's operations: union, transform, receiverStream and the built-in
// sources' entry points (queueStream, socketTextStream, textFileStream).
import { expectTypeOf } from 'vitest';
import { FixedLengthBinaryInputFormat, WholeFileInputFormat, type InputFormat } from 'dstream';
import type {
  DStream,
  FileInputDStream,
  RDD,
  Receiver,
  ReceiverInputDStream,
  StreamingContext,
  Time,
} from 'dstream';

declare const ssc: StreamingContext;
declare const lines: DStream<string>;
declare const nums: DStream<number>;
declare const receiver: Receiver<Uint8Array>;
declare const numbers: RDD<number>;
declare const strings: RDD<string>;

// union(streams)
expectTypeOf(ssc.union([lines, lines])).toEqualTypeOf<DStream<string>>();
// @ts-expect-error -- the union of streams of one element type
ssc.union([lines, nums]);

// transform(streams, (rdds, time) => RDD)
expectTypeOf(
  ssc.transform([lines, nums], (rdds, time) => {
    expectTypeOf(rdds).toEqualTypeOf<RDD<unknown>[]>();
    expectTypeOf(time).toEqualTypeOf<Time>();
    return rdds[0]!.map(String);
  }),
).toEqualTypeOf<DStream<string>>();
// @ts-expect-error -- the function returns an RDD
ssc.transform([lines], (rdds) => rdds.length);

// receiverStream(receiver)
expectTypeOf(ssc.receiverStream(receiver)).toEqualTypeOf<ReceiverInputDStream<Uint8Array>>();
expectTypeOf(ssc.receiverStream(receiver)).toExtend<DStream<Uint8Array>>();
// @ts-expect-error -- a Receiver, not a function
ssc.receiverStream(() => 'line');

// queueStream(queue, oneAtATime = true, defaultRDD?)
expectTypeOf(ssc.queueStream([numbers])).toEqualTypeOf<DStream<number>>();
expectTypeOf(ssc.queueStream([numbers], false)).toEqualTypeOf<DStream<number>>();
expectTypeOf(ssc.queueStream([numbers], true, numbers)).toEqualTypeOf<DStream<number>>();
expectTypeOf(ssc.queueStream<number>([], true, null)).toEqualTypeOf<DStream<number>>();
// @ts-expect-error -- the default RDD has the queue's element type
ssc.queueStream([numbers], true, strings);
// @ts-expect-error -- a queue of RDDs
ssc.queueStream([1, 2, 3]);

// socketTextStream(host, port), textFileStream(directory)
expectTypeOf(ssc.socketTextStream('localhost', 9999)).toEqualTypeOf<ReceiverInputDStream<string>>();
// @ts-expect-error -- a port is a number
ssc.socketTextStream('localhost', '9999');
expectTypeOf(ssc.textFileStream('/data/incoming')).toEqualTypeOf<FileInputDStream>();
expectTypeOf(ssc.textFileStream('/data/incoming')).toExtend<DStream<string>>();
// @ts-expect-error -- a directory
ssc.textFileStream();

// fileStream(directory, { inputFormat?, filter?, newFilesOnly?, conf? }), binaryRecordsStream
expectTypeOf(ssc.fileStream('/data/incoming')).toEqualTypeOf<
  FileInputDStream<readonly [number, string]>
>();
expectTypeOf(
  ssc.fileStream('/data/incoming', { inputFormat: WholeFileInputFormat, newFilesOnly: false }),
).toEqualTypeOf<FileInputDStream<readonly [string, Buffer]>>();
expectTypeOf(
  ssc.fileStream('/data/incoming', { inputFormat: FixedLengthBinaryInputFormat(8) }),
).toExtend<DStream<readonly [number, Buffer]>>();
declare const rows: InputFormat<string, number[]>;
expectTypeOf(
  ssc.fileStream('/d', { inputFormat: rows, filter: (p) => p.endsWith('.csv') }),
).toEqualTypeOf<FileInputDStream<readonly [string, number[]]>>();
// @ts-expect-error -- a filter is given the path
ssc.fileStream('/d', { filter: (p: number) => p > 0 });
// @ts-expect-error -- conf values are strings
ssc.fileStream('/d', { conf: { 'textinputformat.record.delimiter': 1 } });
expectTypeOf(ssc.binaryRecordsStream('/data/values', 8)).toEqualTypeOf<FileInputDStream<Buffer>>();
// @ts-expect-error -- a record length in bytes
ssc.binaryRecordsStream('/data/values');
