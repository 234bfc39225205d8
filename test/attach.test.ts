// Attached operations (src/util/attach.ts) are defined as class methods are, and attached once.
import { describe, expect, it } from 'vitest';
import { DStream, RDD, StreamingContext } from 'dstream';
import { attachOperations } from '../src/util/attach.js';

const attached: [string, object, string[]][] = [
  [
    'DStream',
    DStream.prototype,
    [
      'map',
      'reduce',
      'reduceByKey',
      'join',
      'window',
      'reduceByKeyAndWindow',
      'updateStateByKey',
      'mapWithState',
      'foreachRDD',
      'print',
    ],
  ],
  ['RDD', RDD.prototype, ['map', 'zipWithIndex', 'reduceByKey', 'fullOuterJoin', 'collectAsMap']],
  [
    'StreamingContext',
    StreamingContext.prototype,
    ['union', 'transform', 'receiverStream', 'queueStream', 'socketTextStream', 'textFileStream'],
  ],
];

describe('attached operations', () => {
  it.each(attached)(
    'are methods of %s, not enumerable, as class methods are',
    (_, proto, names) => {
      for (const name of names) {
        const descriptor = Object.getOwnPropertyDescriptor(proto, name);
        expect(descriptor, name).toMatchObject({
          writable: true,
          configurable: true,
          enumerable: false,
        });
        expect(typeof descriptor?.value, name).toBe('function');
      }
      expect(Object.keys(proto)).toEqual([]);
    },
  );

  it('are attached once: a member the prototype has, its own or inherited, is never replaced', () => {
    class Base {
      inherited(): number {
        return 1;
      }
    }
    class Sub extends Base {
      own(): number {
        return 2;
      }
    }
    const proto = Sub.prototype as unknown as Record<string, unknown>;
    expect(() => attachOperations(proto, { own: () => 3 })).toThrow(
      new TypeError('Sub.own is already defined: an operation is attached once, by one family'),
    );
    expect(() => attachOperations(proto, { inherited: () => 3, added: () => 4 })).toThrow(
      TypeError,
    );
    // Nothing of a refused family is attached.
    expect('added' in proto).toBe(false);
    attachOperations(proto, { added: () => 4 });
    expect((new Sub() as unknown as { added(): number }).added()).toBe(4);
    expect(() => attachOperations(proto, { added: () => 5 })).toThrow(TypeError);
  });
});
