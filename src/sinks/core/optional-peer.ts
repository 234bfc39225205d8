// Shared by the sinks; the loader itself lives in util, for every integration (dstream/sql too).
export { optionalPeer } from '../../util/optional-peer.js';
