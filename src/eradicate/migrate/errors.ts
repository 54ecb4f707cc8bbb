import { FirebreakError, InvalidInputError } from '../../errors.js'

/** What the migration was asked to do cannot be done as given: a batch size, a snapshot, a lever; `parameter` names which. */
export class MigrationInputError extends InvalidInputError {
  override name = 'MigrationInputError'
}

/**
 * A resumed migration differs from the one the journal records (another batch size, another new
 * contract): carrying on would mint under a different partition or into another contract.
 */
export class MigrationResumeError extends InvalidInputError {
  override name = 'MigrationResumeError'
}

/** The migration ran but the chain does not show every balance and every asset where they belong. */
export class ConservationError extends FirebreakError {
  override name = 'ConservationError'
}
