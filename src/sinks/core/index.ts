// What every transactional sink shares: the batch's positions, the rule that a batch must follow
// the stored ones, and retries while the store is away. Sinks import it; users do not.
export {
  batchPositions,
  offsetsVerdict,
  timeVerdict,
  positionKey,
  OffsetsMismatchError,
  type BatchPositions,
  type OffsetMismatch,
  type PositionsInput,
  type Verdict,
} from './positions.js';
export { optionalPeer } from './optional-peer.js';
export { withRetries, type RetryOptions, type RetryTarget } from './retry.js';
