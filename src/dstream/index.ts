// The DStream layer. Importing it attaches every operation to the DStream class.
import './dstream-operations.js';
import './output-operations.js';
import './pair-dstream-functions.js';
import './context-functions.js';
import './window-operations.js';
import './state-dstream.js';
import './map-with-state.js';
import './sql-operations.js';

export { DStream } from './dstream.js';
export { InputDStream } from './input.js';
export { ReceiverInputDStream, PluggableInputDStream } from './receiver-input.js';
export { rddToFileName } from './output-operations.js';
export { WindowedDStream } from './windowed.js';
export { ReducedWindowedDStream } from './reduced-windowed.js';
export { MapWithStateDStream } from './map-with-state.js';
export { StateSpec, type State, type MappingFunction } from './state-spec.js';
export type { UpdateStateFunction, UpdateStateByKeyOptions } from './state-dstream.js';
