/**
 * How dstream prints an element, following Spark's `toString` where a Spark user would look for it:
 * a pair (an array of two) prints as `(k,v)`, nested pairs too (`(a,(1,2))`); other arrays print as
 * `[a, b, c]`; strings print bare; objects print as JSON.
 */
export function formatValue(x: unknown): string {
  switch (typeof x) {
    case 'string':
      return x;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(x);
    case 'function':
    case 'symbol':
      return String(x);
    default:
      break;
  }
  if (x === null) return 'null';
  if (Array.isArray(x)) {
    if (x.length === 2) return `(${formatValue(x[0])},${formatValue(x[1])})`;
    return `[${x.map(formatValue).join(', ')}]`;
  }
  if (x instanceof Date) return x.toISOString();
  if (x instanceof Map) {
    return `Map(${[...x].map(([k, v]) => `${formatValue(k)} -> ${formatValue(v)}`).join(', ')})`;
  }
  if (x instanceof Set) return `Set(${[...x].map(formatValue).join(', ')})`;
  const own = (x as { toString?: unknown }).toString;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a class's own toString
  if (typeof own === 'function' && own !== Object.prototype.toString) return String(x);
  try {
    return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return Object.prototype.toString.call(x);
  }
}
