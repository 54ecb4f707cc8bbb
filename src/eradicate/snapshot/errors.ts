import { FirebreakError } from '../../errors.js'

/** The snapshot block has not been mined yet: a snapshot of a future state would silently be wrong. */
export class SnapshotBlockInFutureError extends FirebreakError {
  override name = 'SnapshotBlockInFutureError'
}

/** The node refused a log query even for a single block: no smaller range exists to retry with. */
export class LogRangeError extends FirebreakError {
  override name = 'LogRangeError'
}

/** A snapshot file whose content does not match the hash in its footer, or that has no footer. */
export class SnapshotIntegrityError extends FirebreakError {
  override name = 'SnapshotIntegrityError'
}
