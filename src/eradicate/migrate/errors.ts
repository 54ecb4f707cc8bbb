import { FirebreakError } from '../../errors.js'

/** What the migration was asked to do cannot be done as given: a flag, a snapshot, a lever. */
export class MigrationInputError extends FirebreakError {
  override name = 'MigrationInputError'
}

/**
 * A resumed migration differs from the one the journal records (another batch size, another new
 * contract): carrying on would mint under a different partition or into another contract.
 */
export class MigrationResumeError extends FirebreakError {
  override name = 'MigrationResumeError'
}

/** The migration ran but the chain does not show every balance and every asset where they belong. */
export class ConservationError extends FirebreakError {
  override name = 'ConservationError'
}
