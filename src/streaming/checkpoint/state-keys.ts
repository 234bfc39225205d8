import { createHash } from 'node:crypto';
import type { DStreamGraph } from '../dstream-graph.js';
import type { GraphStream, InputStream } from '../graph-stream.js';
import { isStatefulStream } from './stateful-stream.js';

// Stable names for what a checkpoint stores per stream (docs/checkpoint-format.md, "State keys").
// A name must survive a new version of the application that adds or removes unrelated operators,
// so it is never a stream id (ids count every stream declared before): it is the user's
// `.name(...)`, else the shape of the stream's ancestry, plus an ordinal only among streams of
// exactly the same shape.

/** `map`, `updateStateByKey`... for streams that say; else the class name without `DStream`. */
export function operationKind(stream: GraphStream): string {
  if (stream.operationName) return stream.operationName;
  const name = (stream as { constructor: { name: string } }).constructor.name;
  return name.replace(/DStream$/, '') || name;
}

/**
 * The shape of a stream's ancestry: its operation, then its parents' shapes in parentheses, down
 * to the input streams; a named ancestor stops the walk with its name in quotes.
 */
export function ancestryPath(stream: GraphStream, memo = new Map<GraphStream, string>()): string {
  const known = memo.get(stream);
  if (known !== undefined) return known;
  const parents = stream.dependencies;
  const path =
    parents.length === 0
      ? operationKind(stream)
      : `${operationKind(stream)}(${parents.map((p) => parentPath(p, memo)).join(',')})`;
  memo.set(stream, path);
  return path;
}

function parentPath(stream: GraphStream, memo: Map<GraphStream, string>): string {
  return stream.givenName !== undefined
    ? JSON.stringify(stream.givenName)
    : ancestryPath(stream, memo);
}

/**
 * The state key of a stateful stream: the name the user gave it with `.name(...)`, else its
 * ancestry path (`updateStateByKey(reduceByKey(map(FileInput)))`), followed by `#2`, `#3`... for
 * the second and later stateful streams (by declaration order) of exactly the same path.
 *
 * Stateful streams implement `stateKey` with it: `get stateKey() { return stateKeyOf(this, this.ssc.graph) }`.
 */
export function stateKeyOf(stream: GraphStream, graph: DStreamGraph): string {
  if (stream.givenName !== undefined) return stream.givenName;
  const memo = new Map<GraphStream, string>();
  const path = ancestryPath(stream, memo);
  let ordinal = 1;
  for (const other of graph.allStreams()) {
    if (
      other !== stream &&
      other.id < stream.id &&
      other.givenName === undefined &&
      isStatefulStream(other) &&
      ancestryPath(other, memo) === path
    ) {
      ordinal++;
    }
  }
  return ordinal === 1 ? path : `${path}#${ordinal}`;
}

/**
 * The key under which a checkpoint keeps an input stream's position: its `.name(...)`, else its
 * kind (`FileInput`, `SocketInput`...) with `#2`, `#3`... for later inputs of the same kind.
 */
export function inputKeyOf(stream: InputStream, graph: DStreamGraph): string {
  if (stream.givenName !== undefined) return stream.givenName;
  const kind = operationKind(stream);
  let ordinal = 1;
  for (const other of graph.inputStreams) {
    if (other === stream) break;
    if (other.givenName === undefined && operationKind(other) === kind) ordinal++;
  }
  return ordinal === 1 ? kind : `${kind}#${ordinal}`;
}

/**
 * A directory name for a state key: the key with unsafe characters replaced, shortened, and a hash
 * of the exact key, so that keys differing only in case or punctuation never share a directory.
 */
export function stateDirName(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 10);
  return `${readable}-${hash}`;
}
