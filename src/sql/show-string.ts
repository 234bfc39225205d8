// Spark's Dataset.showString, line for line: the header and the first n rows as strings, cells
// truncated to `truncate` characters, columns as wide as their widest cell in half-width units
// (East Asian wide characters count 2), right-aligned when truncating and left-aligned when not,
// or one "-RECORD i" block per row when vertical, and the "only showing top n rows" footer.

// Spark's Utils.stringHalfWidth: the characters that take two columns on a terminal.
const FULL_WIDTH =
  /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]/g;

/** Columns a string takes: its UTF-16 length (as Java's) plus one per wide character. */
export function stringHalfWidth(s: string): number {
  return s.length + (s.match(FULL_WIDTH)?.length ?? 0);
}

// Spark's SchemaUtils.escapeMetaCharacters: control characters that would break the table.
const META: Readonly<Record<string, string>> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\f': '\\f',
  '\b': '\\b',
  '\u000B': '\\v',
  '\u0007': '\\a',
};

export function escapeMetaCharacters(s: string): string {
  // eslint-disable-next-line no-control-regex -- these control characters are what it replaces
  return s.replace(/[\n\r\t\f\b\u000B\u0007]/g, (c) => META[c]!);
}

/** A cell cut to `truncate` characters the way Spark cuts it (with "..." from 4 characters up). */
export function truncateCell(cell: string, truncate: number): string {
  if (truncate <= 0 || cell.length <= truncate) return cell;
  return truncate < 4 ? cell.slice(0, truncate) : cell.slice(0, truncate - 3) + '...';
}

/** Pads `cell` to `width` columns on the left (right-aligned) or on the right. */
function pad(cell: string, width: number, left: boolean): string {
  const spaces = ' '.repeat(Math.max(0, width - stringHalfWidth(cell)));
  return left ? spaces + cell : cell + spaces;
}

/**
 * The text Spark's `show(numRows, truncate, vertical)` prints, without println's last newline.
 * `rows` holds the formatted, escaped and truncated cells of up to numRows + 1 rows (one more
 * tells that there is more).
 */
export function showString(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numRows: number,
  truncate: number,
  vertical: boolean,
): string {
  const hasMoreData = rows.length > numRows;
  const shown = rows.slice(0, numRows);
  const minimumColWidth = 3;
  let out = '';
  if (!vertical) {
    const widths = header.map((h, i) =>
      Math.max(minimumColWidth, stringHalfWidth(h), ...shown.map((r) => stringHalfWidth(r[i]!))),
    );
    const line = (cells: readonly string[]): string =>
      '|' + cells.map((c, i) => pad(c, widths[i]!, truncate > 0)).join('|') + '|\n';
    const sep = '+' + widths.map((w) => '-'.repeat(w)).join('+') + '+\n';
    out += sep + line(header) + sep;
    for (const row of shown) out += line(row);
    out += sep;
  } else {
    const nameWidth = Math.max(minimumColWidth, ...header.map(stringHalfWidth));
    const dataWidth = Math.max(
      minimumColWidth,
      ...shown.map((r) => Math.max(...r.map(stringHalfWidth))),
    );
    shown.forEach((row, i) => {
      out += `-RECORD ${i}`.padEnd(nameWidth + dataWidth + 5, '-') + '\n';
      out += row
        .map((cell, j) => ` ${pad(header[j]!, nameWidth, false)} | ${pad(cell, dataWidth, false)} `)
        .join('\n');
      out += '\n';
    });
  }
  if (vertical && shown.length === 0) out += '(0 rows)\n';
  else if (hasMoreData) out += `only showing top ${numRows} ${numRows === 1 ? 'row' : 'rows'}\n`;
  return out;
}
