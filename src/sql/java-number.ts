// Java's Double.toString and Float.toString, which Spark prints doubles and floats with: the
// shortest digits that read back as the same value, plain from 10^-3 up to 10^7 ("0.001",
// "9999999.0") and in computerized scientific notation outside it ("1.0E7", "1.0E-5").

/** Shortest round-trip digits of `abs` (> 0, finite) and its decimal exponent. */
function digitsOf(abs: number, isFloat: boolean): { digits: string; exponent: number } {
  let text = abs.toExponential();
  if (isFloat) {
    // A float's shortest form: the fewest significant digits that round back to the same float.
    for (let p = 1; p <= 9; p++) {
      const candidate = abs.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === abs) {
        text = candidate;
        break;
      }
    }
  }
  // Java always writes two significant digits (d.d), and picks the two closest to the value:
  // Double.MIN_VALUE is 4.9E-324 where the shortest single digit would be 5.
  const two = abs.toExponential(1);
  if (/^\d(\.0)?e/.test(text) && (isFloat ? Math.fround(Number(two)) : Number(two)) === abs) {
    text = two;
  }
  const [mantissa = '', exp = '0'] = text.split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, exponent: Number(exp) };
}

function javaFloatingString(value: number, isFloat: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const { digits, exponent } = digitsOf(abs, isFloat);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exponent}`;
}

/** Java's `Double.toString(value)`. */
export function javaDoubleString(value: number): string {
  return javaFloatingString(value, false);
}

/** Java's `Float.toString(value)` of a value that DuckDB widened from a float. */
export function javaFloatString(value: number): string {
  return javaFloatingString(value, true);
}
