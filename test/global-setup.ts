// Builds dist/ once before the tests that run the built package (the CLI, the package exports),
// when a source or build setting is newer than the last build. Runs once per `vitest run`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface DistBuild {
  /** True when `npm run build`'s compiler exited cleanly (or dist was already up to date). */
  ok: boolean;
  /** The compiler's output when it failed. */
  output: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    distBuild: DistBuild;
  }
}

const root = join(import.meta.dirname, '..');
const stamp = join(root, '.tmp', 'dist-build-stamp');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function mtimeOr(path: string, fallback: number): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return fallback;
  }
}

export default function setup(project: TestProject): void {
  const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
  const newest = Math.max(...inputs.map((p) => newestMtime(join(root, p))));
  const built = Math.min(mtimeOr(stamp, 0), mtimeOr(join(root, 'dist', 'index.js'), 0));
  if (built > newest) {
    project.provide('distBuild', { ok: true, output: '' });
    return;
  }
  // The same compiler invocation as `npm run build`, run with this Node.
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  const ok = r.status === 0;
  if (ok) {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    writeFileSync(stamp, '');
  }
  project.provide('distBuild', { ok, output: `${r.stdout}${r.stderr}` });
}
