// The snapshot format (docs/checkpoint-format.md): one entry point for its encoder and decoder.
export { SNAPSHOT_FORMAT_VERSION, type FrameKind, type SnapshotData } from './snapshot-format.js';
export { encodeDocument, encodeSnapshot } from './snapshot-encoder.js';
export { decodeDocument, decodeSnapshot } from './snapshot-decoder.js';
