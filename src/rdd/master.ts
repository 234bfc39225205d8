import { availableParallelism } from 'node:os';
import { DStreamError } from '../errors.js';

/** How many task slots a master URL gives: `local` → 1, `local[N]` → N, `local[*]` → the cores. */
export function parseMaster(master: string): number {
  if (master === 'local') return 1;
  const m = /^local\[(\*|[1-9]\d*)\]$/.exec(master);
  if (m) return m[1] === '*' ? availableParallelism() : Number(m[1]);
  throw new DStreamError(
    'DSTREAM_ERR_INVALID_MASTER',
    `Could not parse Master URL: '${master}'. dstream runs locally: use 'local', 'local[N]' or 'local[*]'.`,
  );
}
