// Spark's properties files (`spark-defaults.conf`, `spark-submit --properties-file`): the format of
// Java's Properties.load, which Spark reads them with, then trims each value as Spark does.

/**
 * The settings of a properties file's text: `key value`, `key=value` or `key: value` lines;
 * lines starting with `#` or `!` are comments; a line ending in a backslash goes on on the next;
 * `\t`, `\n`, `\uXXXX` and a backslash before any other character are escapes. A key given twice
 * keeps its last value.
 */
export function parseProperties(text: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const line of logicalLines(text)) {
    let i = 0;
    let key = '';
    for (; i < line.length && !/[=:\s]/.test(line[i]!); i++) {
      if (line[i] === '\\' && i + 1 < line.length) key += unescape(line, ++i, (n) => (i += n));
      else key += line[i];
    }
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (line[i] === '=' || line[i] === ':') i++;
    let value = '';
    for (; i < line.length; i++) {
      if (line[i] === '\\' && i + 1 < line.length) value += unescape(line, ++i, (n) => (i += n));
      else value += line[i];
    }
    settings[key] = value.trim();
  }
  return settings;
}

/** The lines that hold a setting, continuations joined, leading white space and comments gone. */
function* logicalLines(text: string): Generator<string> {
  let pending: string | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^[ \t\f]+/, '');
    if (pending === undefined && (line === '' || line[0] === '#' || line[0] === '!')) continue;
    const joined = (pending ?? '') + line;
    // An odd number of trailing backslashes continues the line; an even number are escapes.
    const trailing = /\\*$/.exec(joined)![0].length;
    if (trailing % 2 === 1) {
      pending = joined.slice(0, -1);
      continue;
    }
    pending = undefined;
    yield joined;
  }
  if (pending !== undefined) yield pending;
}

/** The character an escape at `line[i]` (after its backslash) stands for; `skip` eats extra. */
function unescape(line: string, i: number, skip: (n: number) => void): string {
  const c = line[i]!;
  if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(i + 1, i + 5))) {
    skip(4);
    return String.fromCharCode(parseInt(line.slice(i + 1, i + 5), 16));
  }
  return { t: '\t', n: '\n', r: '\r', f: '\f' }[c] ?? c;
}
