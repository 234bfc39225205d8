/**
 * The SQL benchmark's input, identical to bench/spark/src/OrderData.java (bench/README.md, "SQL"):
 * orders `orderId BIGINT, provinceId INT, orderPrice DOUBLE`. xorshift32 (shifts 13, 17, 5) from
 * seed 42, two steps per order: provinceId = state mod 34, then price in cents = state mod 100000
 * (both read unsigned), orderPrice = cents / 100; orderId counts orders from 0 over the run. One
 * generator per process, never re-seeded: batch k of B orders is orders kB .. kB+B-1.
 */
import { FNV_OFFSET, fnv1a, hex } from './word-data.ts';

export const PROVINCES = 34;
const CENTS = 100_000;
const FNV_PRIME = 0x01000193;

/** The query both engines run on every batch, over the temporary view `orders`. */
export const ORDER_QUERY =
  'SELECT provinceId, sum(orderPrice) AS total, count(*) AS orders FROM orders GROUP BY provinceId';
export const ORDER_SCHEMA = 'orderId BIGINT, provinceId INT, orderPrice DOUBLE';

export type Order = [orderId: number, provinceId: number, orderPrice: number];

/** Per province: orders and the sum of their prices in cents (exact: integers below 2^53). */
export interface ProvinceTotals {
  orders: Float64Array;
  cents: Float64Array;
}

export function emptyTotals(): ProvinceTotals {
  return { orders: new Float64Array(PROVINCES), cents: new Float64Array(PROVINCES) };
}

/**
 * A batch's answer as one checksum: FNV-1a over the lines `provinceId,orders,totalCents` in
 * province order, the total rounded to cents (a sum of doubles is off by far less than a cent).
 */
export function answerChecksum(
  rows: readonly { provinceId: number; orders: number; total: number }[],
): string {
  const sorted = [...rows].sort((a, b) => a.provinceId - b.provinceId);
  let h = FNV_OFFSET;
  for (const r of sorted) h = fnv1a(h, `${r.provinceId},${r.orders},${Math.round(r.total * 100)}`);
  return hex(h);
}

/** The same checksum of the totals known from generation. */
export function expectedChecksum(t: ProvinceTotals): string {
  const rows = [];
  for (let p = 0; p < PROVINCES; p++) {
    if (t.orders[p]! > 0)
      rows.push({ provinceId: p, orders: t.orders[p]!, total: t.cents[p]! / 100 });
  }
  return answerChecksum(rows);
}

export interface GeneratedOrders {
  batches: Order[][];
  /** Per batch, the checksum its query must answer. */
  expected: string[];
  /** FNV-1a over every order's provinceId and cents (as 32-bit words): the input's checksum. */
  fnv1a: string;
  genMs: number;
}

/** `count` batches of `ordersPerBatch` orders from a fresh generator, with their checksums. */
export function generateOrders(count: number, ordersPerBatch: number): GeneratedOrders {
  const t0 = performance.now();
  let state = 42;
  let h = FNV_OFFSET;
  let orderId = 0;
  const batches: Order[][] = [];
  const expected: string[] = [];
  for (let b = 0; b < count; b++) {
    const totals = emptyTotals();
    const orders = new Array<Order>(ordersPerBatch);
    for (let i = 0; i < ordersPerBatch; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const province = (state >>> 0) % PROVINCES;
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const cents = (state >>> 0) % CENTS;
      h = Math.imul(h ^ province, FNV_PRIME);
      h = Math.imul(h ^ cents, FNV_PRIME);
      totals.orders[province]!++;
      totals.cents[province]! += cents;
      orders[i] = [orderId++, province, cents / 100];
    }
    batches.push(orders);
    expected.push(expectedChecksum(totals));
  }
  return { batches, expected, fnv1a: hex(h), genMs: Math.round(performance.now() - t0) };
}
