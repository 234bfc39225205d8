// The approximate bytes of state entries the web UI shows (src/state/state-size.ts): what V8
// allocates per kind of value, and a StateMap's estimate from a sample of its entries.
import { describe, expect, it } from 'vitest';
import { approximateBytes, StateMap } from '../src/state/index.js';

describe('approximateBytes', () => {
  it('counts nothing for what lives in the pointer, a HeapNumber for other numbers', () => {
    expect(approximateBytes(7)).toBe(0);
    expect(approximateBytes(-0x40000000)).toBe(0);
    expect(approximateBytes(true)).toBe(0);
    expect(approximateBytes(null)).toBe(0);
    expect(approximateBytes(undefined)).toBe(0);
    expect(approximateBytes(1.5)).toBe(16);
    expect(approximateBytes(2 ** 40)).toBe(16);
  });

  it('counts strings by character width, 8-byte aligned', () => {
    expect(approximateBytes('abc')).toBe(24);
    expect(approximateBytes('abcdefgh')).toBe(24);
    expect(approximateBytes('abcdefghi')).toBe(32);
    expect(approximateBytes('é')).toBe(24);
    expect(approximateBytes('日本語')).toBe(24);
    expect(approximateBytes('日本語日本')).toBe(32);
  });

  it('counts containers with their fields and contents', () => {
    // As measured with node --expose-gc: [i, i] 64 B, { a: i, b: i } 40 B, a Date 96 B...
    expect(approximateBytes([1, 2])).toBe(64);
    expect(approximateBytes({ a: 1, b: 2 })).toBe(40);
    expect(approximateBytes({ a: 'xy' })).toBe(32 + 24);
    expect(approximateBytes(new Date(0))).toBe(96);
    expect(approximateBytes(new Map([[1, 1]]))).toBe(184);
    expect(approximateBytes(new Map(Array.from({ length: 10 }, (_, i) => [i, i])))).toBe(520);
    expect(approximateBytes(new Map([['k', 1.5]]))).toBe(184 + 24 + 16);
    expect(approximateBytes(new Set([1]))).toBe(152);
    expect(approximateBytes(new Uint8Array(16))).toBe(232);
    // A getter is counted as a field, never run.
    let reads = 0;
    const withGetter = {
      get id() {
        reads++;
        return 'never read';
      },
    };
    expect(approximateBytes(withGetter)).toBe(32);
    expect(reads).toBe(0);
    // Past 32 elements the first ones stand for all of them.
    const big = Array.from({ length: 100 }, () => 'abcde');
    expect(approximateBytes(big)).toBe(48 + 800 + 100 * 24);
  });
});

describe('StateMap.approximateBytes', () => {
  const keys = (n: number) =>
    Array.from({ length: n }, (_, i) => `key-${String(i).padStart(3, '0')}`);

  it('is the entries times a Map entry plus their keys and states', () => {
    const map = new StateMap<string, number>();
    for (const k of keys(1000)) map.set(k, 1, 0);
    // A Map entry 38 B, 'key-000' 24 B, small integer states nothing.
    expect(map.approximateBytes(16)).toBe(1000 * (38 + 24));
    map.set('key-000', 0.5, 0);
    expect(map.approximateBytes(1)).toBe(1000 * (38 + 24 + 16));
  });

  it('adds the slot cells when last-updated times are kept', () => {
    const map = new StateMap<string, number>({ trackTimes: true });
    for (const k of keys(500)) map.set(k, 1, 1000);
    expect(map.approximateBytes(16)).toBe(500 * (38 + 21 + 24));
  });

  it('counts composite keys with their entry, encoding and key', () => {
    const map = new StateMap<readonly [string, number], number>();
    map.set(['a', 1], 1, 0);
    const bytes = map.approximateBytes(16);
    // The Map entry, the entry object, the encoding string, the key array and its string.
    expect(bytes).toBe(38 + 48 + approximateBytes('["a",1]') + 64 + 24);
    expect(map.approximateBytes(16)).toBe(bytes);
    expect(new StateMap().approximateBytes(16)).toBe(0);
  });
});
