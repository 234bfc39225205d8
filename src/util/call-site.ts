import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

// The package's own source and build folders: frames inside them are not the user's call site.
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ownFolders = [resolve(packageRoot, 'src') + '/', resolve(packageRoot, 'dist') + '/'];

/**
 * Where user code called into dstream, as `file.ts:12`, for names such as `print at app.ts:12`
 * (Spark names output operations by their call site).
 */
export function userCallSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?[^():]+):(\d+):\d+\)?$/.exec(frame.trim());
    if (!m) continue;
    const path = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (path.startsWith('node:') || !path.startsWith('/')) continue;
    if (ownFolders.some((f) => path.startsWith(f))) continue;
    if (path.includes('/node_modules/')) continue;
    return `${path.slice(path.lastIndexOf('/') + 1)}:${m[2]}`;
  }
  return 'unknown';
}
