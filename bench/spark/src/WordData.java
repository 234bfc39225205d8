/**
 * The benchmark's input, exactly as bench/lib/word-data.ts makes it (bench/README.md, "Data"):
 * xorshift32 (shifts 13, 17, 5) from seed 42, one step per word, word = "w" + (state mod 10000)
 * read unsigned, ten words per line joined by single spaces. One generator per process, never
 * re-seeded, so batch k of B lines is lines kB .. kB+B-1 of the run (warm-up batches first).
 *
 * <p>{@code java -cp classes WordData BATCHES LINES_PER_BATCH} prints the run's FNV-1a checksum, so
 * the Java and TypeScript generators can be checked against each other and the table in README.md.
 */
public final class WordData {
  /** FNV-1a 32-bit offset basis: the checksum of no lines at all. */
  public static final int FNV_OFFSET = 0x811c9dc5;

  private static final int FNV_PRIME = 0x01000193;
  private static final int VOCABULARY = 10_000;
  private static final int WORDS_PER_LINE = 10;

  private int state = 42;
  private final StringBuilder line = new StringBuilder(64);

  /** The next word's index in the vocabulary. */
  public int nextWordIndex() {
    int x = state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    state = x;
    return Integer.remainderUnsigned(x, VOCABULARY);
  }

  /** The next line: ten words joined by single spaces. */
  public String nextLine() {
    line.setLength(0);
    for (int j = 0; j < WORDS_PER_LINE; j++) {
      if (j > 0) line.append(' ');
      line.append('w').append(nextWordIndex());
    }
    return line.toString();
  }

  /** Folds one line and its terminating '\n' into a running FNV-1a checksum (lines are ASCII). */
  public static int fnv1a(int hash, String s) {
    int h = hash;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * FNV_PRIME;
    }
    return (h ^ '\n') * FNV_PRIME;
  }

  /** The checksum as the benchmark prints it: 8 lowercase hex digits. */
  public static String hex(int hash) {
    return String.format("%08x", hash);
  }

  public static void main(String[] args) {
    int batches = Integer.parseInt(args[0]);
    int linesPerBatch = Integer.parseInt(args[1]);
    WordData gen = new WordData();
    int h = FNV_OFFSET;
    for (long n = (long) batches * linesPerBatch; n > 0; n--) h = fnv1a(h, gen.nextLine());
    System.out.println(
        "{\"event\":\"data\",\"impl\":\"java\",\"batches\":" + batches + ",\"linesPerBatch\":"
            + linesPerBatch + ",\"fnv1a\":\"" + hex(h) + "\"}");
  }
}
