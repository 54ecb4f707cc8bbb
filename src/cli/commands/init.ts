import { type Command, Option } from 'commander'
import { DEFAULT_MANIFEST_FILE } from '../../manifest/defaults.js'
import { withFlags } from '../flags.js'
import { parseOutputFile } from '../parse.js'

export function registerInit(program: Command) {
  program
    .command('init')
    .description('write a commented example firebreak.yaml to start from')
    .addOption(new Option('--path <file>', 'where to write the manifest').default(DEFAULT_MANIFEST_FILE).argParser(parseOutputFile))
    .option('--force', 'overwrite the file if it exists')
    .action(withFlags({ path: '--path' }, async (options: { path: string; force?: boolean }) => {
      const { EXAMPLE_RPC_URL_ENV, writeExampleManifest } = await import('../../manifest/index.js')
      const { file, replaced } = writeExampleManifest(options.path, { force: options.force })
      process.stdout.write(`${replaced ? 'replaced' : 'wrote'} ${file}: replace its example addresses with your own and set ${EXAMPLE_RPC_URL_ENV}\n`)
    }))
}
