import type { Command } from 'commander'
import { DEFAULT_MANIFEST_FILE } from '../../manifest/defaults.js'

export function registerInit(program: Command) {
  program
    .command('init')
    .description('write a commented example firebreak.yaml to start from')
    .option('--path <file>', 'where to write the manifest', DEFAULT_MANIFEST_FILE)
    .option('--force', 'overwrite the file if it exists')
    .action(async (options: { path: string; force?: boolean }) => {
      const { EXAMPLE_RPC_URL_ENV, writeExampleManifest } = await import('../../manifest/index.js')
      const { file, replaced } = writeExampleManifest(options.path, { force: options.force })
      process.stdout.write(`${replaced ? 'replaced' : 'wrote'} ${file}: replace its example addresses with your own and set ${EXAMPLE_RPC_URL_ENV}\n`)
    })
}
