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
    expect(approximateBytes(1.5)).toBe(12);
    expect(approximateBytes(2 ** 40)).toBe(12);
  });

  it('counts strings by character width, 4-byte aligned', () => {
    expect(approximateBytes('abc')).toBe(16);
    expect(approximateBytes('abcde')).toBe(20);
    expect(approximateBytes('é')).toBe(16);
    expect(approximateBytes('日本語')).toBe(20);
  });

  it('counts containers with their fields and contents', () => {
    expect(approximateBytes([1, 2])).toBe(16 + 8 + 8);
    expect(approximateBytes({ a: 'xy' })).toBe(12 + 4 + 16);
    expect(approximateBytes(new Map([['k', 1]]))).toBe(16 + 24 + 20 + 16);
    expect(approximateBytes(new Date(0))).toBe(24);
    expect(approximateBytes(Buffer.alloc(100))).toBe(164);
    // Past 32 elements the first ones stand for all of them.
    const big = Array.from({ length: 100 }, () => 'abcde');
    expect(approximateBytes(big)).toBe(16 + 8 + 400 + 100 * 20);
  });
});

describe('StateMap.approximateBytes', () => {
  const keys = (n: number) =>
    Array.from({ length: n }, (_, i) => `key-${String(i).padStart(3, '0')}`);

  it('is the entries times a Map entry plus their keys and states', () => {
    const map = new StateMap<string, number>();
    for (const k of keys(1000)) map.set(k, 1, 0);
    // 'key-000': 7 characters, 20 bytes; small integer states: nothing.
    expect(map.approximateBytes(16)).toBe(1000 * (20 + 20));
    map.set('key-000', 0.5, 0);
    expect(map.approximateBytes(1)).toBe(1000 * (20 + 20 + 12));
  });

  it('adds the slot cells when last-updated times are kept', () => {
    const map = new StateMap<string, number>({ trackTimes: true });
    for (const k of keys(500)) map.set(k, 1, 1000);
    expect(map.approximateBytes(16)).toBe(500 * (20 + 20 + 20));
  });

  it('counts composite keys with their entry, encoding and key', () => {
    const map = new StateMap<readonly [string, number], number>();
    map.set(['a', 1], 1, 0);
    const bytes = map.approximateBytes(16);
    expect(bytes).toBeGreaterThan(20 + 24 + 32);
    expect(map.approximateBytes(16)).toBe(bytes);
    expect(new StateMap().approximateBytes(16)).toBe(0);
  });
});
