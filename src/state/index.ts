// The state layer: per-partition key → state maps of updateStateByKey and mapWithState.
export { StateMap, type StateMapOptions } from './state-map.js';
export { BatchGroups } from './batch-groups.js';
export { StateShape, describe, sampleShape } from './state-shape.js';
export { approximateBytes } from './state-size.js';
