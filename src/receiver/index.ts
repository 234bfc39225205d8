// The receiver layer: the Receiver API, its supervisor and the block generator.
export { Receiver } from './receiver.js';
export { ReceiverSupervisor, STOPPED_BY_DRIVER } from './receiver-supervisor.js';
export { BlockGenerator, type ReceivedBlock } from './block-generator.js';
export { RateLimiter } from './rate-limiter.js';
