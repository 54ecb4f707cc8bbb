import { type Command, Option } from 'commander'
import { toJson } from '../output.js'
import { parseOutputFile } from '../parse.js'
import { addressOption, jsonOption } from '../sharedOptions.js'

export function registerSafe(program: Command) {
  const safe = program.command('safe').description('check and sign the Safe transactions a plan needs, on any owner\'s machine')
  safe
    .command('sign')
    .description('check a Safe transaction file (its hashes recomputed from its fields), show what it does and its hashes, sign it as an owner, write the signature file')
    .argument('<safe-tx-file>', 'the Safe transaction file firebreak wrote (safe-tx/<plan>-<step>.json)')
    .addOption(new Option('--out <file>', 'where to write the signature file (pass it back with --signature)').makeOptionMandatory().argParser(parseOutputFile))
    .option('--key-env <VARIABLE>', "environment variable holding the owner's private key")
    .option('--keystore <path>', 'encrypted JSON keystore of the owner (e.g. ~/.foundry/keystores/<name>)')
    .option('--password-env <VARIABLE>', "environment variable holding the keystore's password")
    .addOption(addressOption('--multi-send <address>', "accept this MultiSendCallOnly for a batch (the manifest's, on a chain without the canonical one)"))
    .addOption(jsonOption('print the checked transaction and the signature as JSON'))
    .action(async (file: string, options: { out: string; keyEnv?: string; keystore?: string; passwordEnv?: string; multiSend?: string; json?: boolean }) => {
      const { describeSafeTransaction, loadSigner, signSafeTransactionFile } = await import('../../engine/executors/safe/index.js')
      const account = await loadSigner({ keyEnv: options.keyEnv, keystore: options.keystore, passwordEnv: options.passwordEnv })
      const { transaction, signature, out } = await signSafeTransactionFile({ file, account, out: options.out, multiSend: options.multiSend as `0x${string}` | undefined })
      if (options.json) {
        process.stdout.write(`${toJson({ ...transaction.hashes, signer: signature.signer, signature: signature.signature, out })}\n`)
        return
      }
      for (const line of describeSafeTransaction(transaction)) process.stdout.write(`${line}\n`)
      process.stdout.write(`signed by    ${signature.signer} (EIP-712)\n`)
      process.stdout.write(`wrote ${out}: pass it to the run with --signature ${out}\n`)
    })
  safe
    .command('hashes')
    .description('recompute the domain hash, message hash and safeTxHash of a Safe transaction file, to check them independently')
    .argument('<safe-tx-file>', 'the Safe transaction file firebreak wrote')
    .addOption(jsonOption('print the hashes as JSON'))
    .action(async (file: string, options: { json?: boolean }) => {
      const { readSafeTransactionFile } = await import('../../engine/executors/safe/index.js')
      const { hashes } = readSafeTransactionFile(file)
      if (options.json) process.stdout.write(`${toJson(hashes)}\n`)
      else process.stdout.write(`domain hash  ${hashes.domainHash}\nmessage hash ${hashes.messageHash}\nsafeTxHash   ${hashes.safeTxHash}\n`)
    })
}
