#!/usr/bin/env node
// The `dstream` command (package.json "bin"). It checks the Node version against package.json's
// "engines" before the CLI loads: the CLI uses APIs an older Node lacks (node:fs `glob`, type
// stripping), and would otherwise fail with an import's SyntaxError. So this file keeps to syntax
// and APIs every Node since 14 parses, and loads the CLI only once the version fits.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = pkg.engines && pkg.engines.node;
const current = process.versions.node;

if (wanted && !satisfies(current, wanted)) {
  process.stderr.write(
    'dstream needs Node ' +
      wanted +
      '; this is Node ' +
      current +
      ' (' +
      process.execPath +
      ').\n' +
      'In a clone of the dstream repository, run it with the Node it installs (the devDependency ' +
      '"node"): npx dstream ..., npm run dstream -- ..., npm start. Elsewhere, install Node 24 ' +
      '(https://nodejs.org, or nvm install 24).\n',
  );
  process.exit(1);
}
await import('../dist/cli/main.js');

/**
 * Whether `version` (x.y.z) is in `range`: npm's ranges as package.json's "engines" writes them,
 * alternatives joined by `||`, each a list of `^x.y.z`, `~x.y.z`, `>=`, `>`, `<=`, `<`, `=` or a
 * bare version. A range with anything else counts as satisfied: npm has warned already.
 */
function satisfies(version, range) {
  const v = parse(version);
  return range.split('||').some((set) =>
    set
      .trim()
      .split(/\s+/)
      .every((comparator) => {
        const m = /^(\^|~|>=|>|<=|<|=)?v?(\d+(?:\.\d+){0,2})$/.exec(comparator);
        if (!m) return true;
        const op = m[1] || '=';
        const [major, minor, patch] = parse(m[2]);
        const c = compare(v, [major, minor, patch]);
        if (op === '^') return c >= 0 && v[0] === major && (major > 0 || v[1] === minor);
        if (op === '~') return c >= 0 && v[0] === major && v[1] === minor;
        if (op === '>=') return c >= 0;
        if (op === '>') return c > 0;
        if (op === '<=') return c <= 0;
        if (op === '<') return c < 0;
        return c === 0;
      }),
  );
}

function parse(version) {
  const parts = version.split('-')[0].split('.').map(Number);
  return [parts[0] || 0, parts[1] || 0, parts[2] || 0];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
