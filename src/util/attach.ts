/**
 * The implementation of operations that an interface declares for a class (`interface DStream<T>
 * extends DStreamOperations<T> {}`), written apart from the class. Returned from a generic
 * function (`function streamOperations<T>(): Implementation<DStreamOperations<T>, DStream<T>>`),
 * `T` is opaque there, so TypeScript checks every method against its declaration as it checks a
 * class method against an interface: a method missing, undeclared, or with another signature is a
 * compile error. `this` in a method is the instance (`Self`), unless the declaration gives its own
 * `this:` parameter, as the pair operations do.
 */
export type Implementation<Operations, Self> = Operations & ThisType<Self>;

/**
 * Defines each method of `operations` on `prototype` as a class defines its methods: writable,
 * configurable and not enumerable (`Object.assign` would make them enumerable). Refuses to replace
 * a member the prototype already has, its own or inherited, so that two families cannot both
 * claim a name and the last module loaded silently win.
 */
export function attachOperations<P extends object>(prototype: P, operations: Partial<P>): void {
  const names = Object.keys(operations);
  for (const name of names) {
    if (name in prototype) {
      throw new TypeError(
        `${prototype.constructor.name}.${name} is already defined: an operation is attached once, by one family`,
      );
    }
  }
  for (const name of names) {
    Object.defineProperty(prototype, name, {
      value: (operations as Record<string, unknown>)[name],
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}
