import { FirebreakError } from '../errors.js'

/** The snapshot block has not been mined yet: a snapshot of a future state would silently be wrong. */
export class SnapshotBlockInFutureError extends FirebreakError {
  override name = 'SnapshotBlockInFutureError'
}

// Raised by the adaptive log reader, which lives with the chain clients now.
export { LogRangeError } from '../chain/readLogsAdaptive.js'

/** A snapshot file whose content does not match the hash in its footer, or that has no footer. */
export class SnapshotIntegrityError extends FirebreakError {
  override name = 'SnapshotIntegrityError'
}

/** The snapshotted address is not a token at the block: no code, or no `balanceOf(address)`. */
export class SnapshotNotATokenError extends FirebreakError {
  override name = 'SnapshotNotATokenError'
}
