// What may cross to a task thread as a structured clone: a record is judged by a sample, which
// takes every field of a plain object and every slot of a tuple, since a Buffer or a class
// instance in any of them would arrive changed (a Uint8Array, a plain object) without an error.
import { describe, expect, it } from 'vitest';
import { clonesFaithfully } from '../src/streaming/task-threads/protocol.js';

class Order {
  constructor(readonly id: string) {}
}

describe('clonesFaithfully', () => {
  it('accepts plain data', () => {
    expect(clonesFaithfully([{ word: 'a', n: 1, at: new Date(0), tags: ['x'] }])).toBe(true);
    expect(clonesFaithfully(new Map([['k', [1, 2]]]))).toBe(true);
    expect(clonesFaithfully(new Uint8Array(2))).toBe(true);
  });

  it('refuses a Buffer or a class instance in any field of an object or slot of a pair', () => {
    expect(clonesFaithfully({ body: Buffer.from('x'), id: 1 })).toBe(false);
    expect(clonesFaithfully({ id: 1, body: Buffer.from('x') })).toBe(false);
    expect(clonesFaithfully({ id: 1, headers: {}, order: new Order('o1') })).toBe(false);
    expect(clonesFaithfully([['k', { n: 1, f: () => 1 }]])).toBe(false);
    expect(clonesFaithfully(['key', Buffer.from('value')])).toBe(false);
  });
});
