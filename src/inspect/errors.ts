import { FirebreakError } from '../errors.js'

/**
 * A contract inspect cannot read as the manifest describes it: no code at the address, an ABI of
 * another contract. The rest of the report stands; a contain run counts the contract as exposed.
 */
export class ContractUnreadableError extends FirebreakError {
  override name = 'ContractUnreadableError'
}
