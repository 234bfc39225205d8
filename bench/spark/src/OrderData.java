import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The SQL benchmark's orders, exactly as bench/lib/order-data.ts makes them (bench/README.md,
 * "SQL"): xorshift32 (shifts 13, 17, 5) from seed 42, two steps per order: provinceId = state mod
 * 34, then cents = state mod 100000 (both unsigned), orderPrice = cents / 100.0; orderId counts
 * orders from 0 over the run. The input's checksum is FNV-1a over provinceId and cents as words.
 */
public final class OrderData {
  public static final int PROVINCES = 34;
  private static final int CENTS = 100_000;
  private static final int FNV_PRIME = 0x01000193;

  private int state = 42;
  private long orderId = 0;
  /** FNV-1a over every order's provinceId and cents. */
  public int fnv = WordData.FNV_OFFSET;

  private int next() {
    int x = state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    state = x;
    return x;
  }

  /**
   * The next batch of orders as Spark rows; {@code orders[p]} and {@code cents[p]} gather each
   * province's orders and sum of cents, the totals its query must answer.
   */
  public List<Row> nextBatch(int size, long[] orders, long[] cents) {
    List<Row> rows = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int province = Integer.remainderUnsigned(next(), PROVINCES);
      int c = Integer.remainderUnsigned(next(), CENTS);
      fnv = (fnv ^ province) * FNV_PRIME;
      fnv = (fnv ^ c) * FNV_PRIME;
      orders[province]++;
      cents[province] += c;
      rows.add(RowFactory.create(orderId++, province, c / 100.0));
    }
    return rows;
  }

  /** A batch's answer as the benchmark checks it: FNV-1a over "provinceId,orders,totalCents". */
  public static int answerChecksum(long[] orders, long[] cents) {
    int h = WordData.FNV_OFFSET;
    for (int p = 0; p < PROVINCES; p++) {
      if (orders[p] > 0) {
        h = WordData.fnv1a(h, String.format(Locale.ROOT, "%d,%d,%d", p, orders[p], cents[p]));
      }
    }
    return h;
  }
}
