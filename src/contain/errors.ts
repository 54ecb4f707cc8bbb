import { FirebreakError } from '../errors.js'

/** A playbook that cannot become a plan: an unknown function, a lever nobody can pull. Nothing was sent. */
export class ContainError extends FirebreakError {
  override name = 'ContainError'
}
