import { FirebreakError } from '../../errors.js'

/**
 * A distribution entry that cannot be ABI-encoded as (uint256 index, address account, uint256
 * amount): a negative or oversized amount, or an account that is not a 20-byte hex address. The
 * claim contract could never pay it, so the distribution is refused before anything is published.
 */
export class InvalidLeafValueError extends FirebreakError {
  override name = 'InvalidLeafValueError'
}

/** A Merkle tree needs at least one leaf: there is nothing to publish for nobody. */
export class EmptyDistributionError extends FirebreakError {
  override name = 'EmptyDistributionError'
}
