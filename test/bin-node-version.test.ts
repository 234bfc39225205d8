// The `dstream` bin on a Node that package.json's "engines" leaves out: it says which Node it
// needs and exits 1 before loading the CLI (which an older Node cannot even parse: node:fs glob).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBuilt, root } from './support/cli.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  engines: { node: string };
};
const bin = join(root, pkg.bin.dstream!);

/** The Debian/Ubuntu system Node, older than the engines range on the machines this runs on. */
const OLD_NODE = '/usr/bin/node';
const oldVersion = existsSync(OLD_NODE)
  ? spawnSync(OLD_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()
  : '';
const oldMajor = Number(oldVersion.split('.')[0]);
const noOldNode =
  oldVersion === ''
    ? `no ${OLD_NODE}`
    : oldMajor >= 22
      ? `${OLD_NODE} is Node ${oldVersion}, which the engines range may allow`
      : undefined;

/** Runs `node <bin> args` and gives its exit code and output. */
async function runBin(node: string, file: string, args: string[]) {
  return promisify(execFile)(node, [file, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

let tmp: string;
beforeAll(async () => {
  expectBuilt();
  await mkdir(join(root, '.tmp'), { recursive: true });
  tmp = await mkdtemp(join(root, '.tmp', 'bin-node-version-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the dstream bin', () => {
  it.skipIf(noOldNode !== undefined && process.env.CI !== 'true')(
    `says which Node it needs on an older one, and exits 1 (${noOldNode ?? OLD_NODE})`,
    async () => {
      expect(noOldNode, 'CI needs an unsupported Node at /usr/bin/node').toBeUndefined();
      const r = await runBin(OLD_NODE, bin, ['--version']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `dstream needs Node ${pkg.engines.node}; this is Node ${oldVersion} (${OLD_NODE}).\n` +
          'In a clone of the dstream repository, run it with the Node it installs (the devDependency ' +
          '"node"): npx dstream ..., npm run dstream -- ..., npm start. Elsewhere, install Node 24 ' +
          '(https://nodejs.org, or nvm install 24).\n',
      );
    },
  );

  it('runs the CLI on the Node the package installs', async () => {
    const r = await runBin(process.execPath, bin, ['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  // The same bin in a package of its own, whose engines and CLI are made up: the range check
  // alone, against the Node running this test.
  it.each([
    ['>=99.0.0', false],
    ['^22.22.0 || >=99', false],
    [`^${process.versions.node}`, true],
    [`>=1.0.0 <${Number(process.versions.node.split('.')[0]) + 1}`, true],
    [`~${process.versions.node.split('.').slice(0, 2).join('.')}.0`, true],
    [`<${process.versions.node}`, false],
    [pkg.engines.node, true],
  ] as const)('with engines %s, loads the CLI: %s', async (range, loads) => {
    const dir = await mkdtemp(join(tmp, 'package-'));
    await mkdir(join(dir, 'bin'));
    await mkdir(join(dir, 'dist', 'cli'), { recursive: true });
    await copyFile(bin, join(dir, 'bin', 'dstream.js'));
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ type: 'module', engines: { node: range } }),
    );
    await writeFile(join(dir, 'dist', 'cli', 'main.js'), "console.log('the CLI');\n");
    const r = await runBin(process.execPath, join(dir, 'bin', 'dstream.js'), []);
    if (loads) expect(r).toMatchObject({ code: 0, stdout: 'the CLI\n', stderr: '' });
    else {
      expect(r).toMatchObject({ code: 1, stdout: '' });
      expect(r.stderr).toContain(
        `dstream needs Node ${range}; this is Node ${process.versions.node}`,
      );
    }
  });
});
