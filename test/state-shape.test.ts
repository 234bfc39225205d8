// The shape of stored states (src/state/state-shape.ts): what recovery compares the new code's
// states with. It must name a changed shape, and accept the variations a correct application has.
import { describe, expect, it } from 'vitest';
import { describe as describeValue, sampleShape, StateShape } from '../src/state/index.js';

function shapeOf(...states: unknown[]): StateShape {
  return sampleShape(states.length, (i) => states[i]);
}

describe('a state shape', () => {
  it('is written as TypeScript writes the type', () => {
    expect(shapeOf(1, 2).toString()).toBe('number');
    expect(shapeOf({ total: 1, n: 2 }).toString()).toBe('{ n: number, total: number }');
    expect(shapeOf({ a: 1, note: 'x' }, { a: 2 }).toString()).toBe('{ a: number, note?: string }');
    expect(shapeOf(1, 'one', null).toString()).toBe('number | string | null');
    expect(shapeOf([1, 'a']).toString()).toBe('(number | string)[]');
    expect(shapeOf(new Map([['k', new Set([1n])]])).toString()).toBe('Map<string, Set<bigint>>');
    expect(describeValue({ at: new Date(0), tags: [] })).toBe('{ at: Date, tags: unknown[] }');
  });

  it('names another kind, at its place in the state', () => {
    expect(shapeOf(1, 2).mismatch({ total: 1, n: 0 })).toBe('is { n: number, total: number }');
    expect(shapeOf({ total: 1 }).mismatch({ total: '1' })).toBe('.total: is string');
    expect(shapeOf({ orders: [{ id: 1 }] }).mismatch({ orders: [{ id: 'a' }] })).toBe(
      '.orders[].id: is string',
    );
    expect(shapeOf(new Map([['k', 1]])).mismatch(new Map([['k', 'one']]))).toBe(
      ' (a Map value): is string',
    );
  });

  it('names the keys an object gained or lost', () => {
    expect(shapeOf({ total: 1 }).mismatch({ total: 1, n: 0 })).toBe(
      'has key n that none of the stored states has',
    );
    expect(shapeOf({ total: 1, n: 2 }).mismatch({ total: 1 })).toBe(
      'lacks key n that every stored state has',
    );
    expect(shapeOf({ a: 1, b: 2 }).mismatch({ c: 1, d: 2 })).toBe(
      'has keys c, d that none of the stored states has; lacks keys a, b that every stored state has',
    );
  });

  it('accepts states of the stored shape', () => {
    expect(shapeOf(1, 2).mismatch(3)).toBeUndefined();
    expect(shapeOf({ total: 1, n: 2 }).mismatch({ n: 5, total: 7 })).toBeUndefined();
    expect(shapeOf([1, 2], ['a']).mismatch(['b', 3])).toBeUndefined();
  });

  it('accepts what a correct application varies: nullable values, optional keys, empty collections, dictionaries', () => {
    // null and undefined match anything, and anything matches states that were only null
    expect(shapeOf(1).mismatch(null)).toBeUndefined();
    expect(shapeOf({ error: null }).mismatch({ error: 'timeout' })).toBeUndefined();
    expect(shapeOf(null).mismatch({ any: 'thing' })).toBeUndefined();
    // a key some stored states lack is optional; a key holding undefined or null is absent
    expect(shapeOf({ a: 1, b: 1 }, { a: 1 }).mismatch({ a: 2 })).toBeUndefined();
    expect(shapeOf({ a: 1, b: undefined }).mismatch({ a: 2 })).toBeUndefined();
    expect(shapeOf({ a: 1, b: null }).mismatch({ a: 2 })).toBeUndefined();
    expect(shapeOf({ a: 1 }).mismatch({ a: 2, b: null })).toBeUndefined();
    // an empty collection says nothing of its elements
    expect(shapeOf({ items: [] }).mismatch({ items: [{ id: 1 }] })).toBeUndefined();
    // objects whose keys are data (more than a record has) compare their values only
    const counts = Array.from({ length: 40 }, (_, i) => ({ [`product-${i}`]: i }));
    const dictionary = shapeOf(...counts);
    expect(dictionary.toString()).toBe('{ [key: string]: number }');
    expect(dictionary.mismatch({ 'product-99': 1 })).toBeUndefined();
    expect(dictionary.mismatch({ 'product-99': 'one' })).toBe('["product-99"]: is string');
  });

  it('summarises at most the sample it is given, spread over all the states', () => {
    const states = Array.from({ length: 10_000 }, (_, i) => (i < 9_990 ? i : 'late'));
    const seen: number[] = [];
    const shape = sampleShape(states.length, (i) => (seen.push(i), states[i]), 100);
    expect(seen.length).toBe(100);
    expect(seen.at(-1)).toBe(9_900);
    expect(shape.toString()).toBe('number');
  });
});
