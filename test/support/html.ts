// Reading the UI's server-rendered HTML in tests without a browser: the element that starts with
// an opening tag (nesting counted), attributes, and text as a reader sees it.

/** The whole element (opening tag to its matching close) whose opening tag contains `marker`. */
export function element(html: string, tag: string, marker: string): string {
  const opening = new RegExp(`<${tag}\\b[^>]*${escapeRegExp(marker)}[^>]*>`);
  const found = opening.exec(html);
  if (!found) throw new Error(`No <${tag}> with ${marker} in the page`);
  return balanced(html, tag, found.index);
}

/** Every element `<tag ...marker...>` directly or deeply inside `html`, outermost ones. */
export function elements(html: string, tag: string, marker = ''): string[] {
  const opening = new RegExp(`<${tag}\\b[^>]*${escapeRegExp(marker)}[^>]*>`, 'g');
  const out: string[] = [];
  let end = 0;
  for (const m of html.matchAll(opening)) {
    if (m.index < end) continue;
    const el = balanced(html, tag, m.index);
    out.push(el);
    end = m.index + el.length;
  }
  return out;
}

function balanced(html: string, tag: string, start: number): string {
  const re = new RegExp(`<(/?)${tag}\\b[^>]*?(/?)>`, 'g');
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[2] === '/') {
      if (depth === 0) return html.slice(start, re.lastIndex);
      continue;
    }
    depth += m[1] === '/' ? -1 : 1;
    if (depth === 0) return html.slice(start, re.lastIndex);
  }
  throw new Error(`<${tag}> at ${start} is not closed`);
}

/** The value of an attribute of the first tag of `html`. */
export function attr(html: string, name: string): string | undefined {
  const tag = /^<[^>]*>/.exec(html)?.[0] ?? '';
  const value = new RegExp(`\\s${escapeRegExp(name)}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decode(value);
}

/** The text of some HTML as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
export function text(html: string): string {
  // Inline tags join their neighbours; any other tag separates words.
  return decode(
    html.replace(/<\/?(?:strong|b|a|span|em|code)\b[^>]*>/g, '').replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of each cell of each row of the table's body. */
export function bodyRows(table: string): string[][] {
  const body = element(table, 'tbody', '');
  return elements(body.slice('<tbody>'.length), 'tr').map((row) =>
    elements(row.slice(row.indexOf('>') + 1), 'td').map(text),
  );
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&laquo;/g, '«')
    .replace(/&raquo;/g, '»')
    .replace(/&lsaquo;/g, '‹')
    .replace(/&rsaquo;/g, '›')
    .replace(/&amp;/g, '&');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
