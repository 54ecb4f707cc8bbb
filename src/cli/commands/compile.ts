import type { Command } from 'commander'
import { toJson } from '../output.js'
import { cacheOption } from '../sharedOptions.js'

export function registerCompile(program: Command) {
  program
    .command('compile')
    .description('compile a folder of Solidity contracts with solc-js (cached by input hash)')
    .option('--contracts <dir>', 'folder of .sol files (default: firebreak\'s own contracts)')
    .addOption(cacheOption())
    .option('--json', 'print the artifacts\' names, sizes and the input hash as JSON')
    .action(async (options: { contracts?: string; cache: string; json?: boolean }) => {
      const { compileContracts } = await import('../../solidity/compile.js')
      const result = await compileContracts({ sourcesDir: options.contracts, cacheDir: options.cache })
      const deployable = result.artifacts.all.filter((artifact) => artifact.bytecode.length > 2)
      if (options.json) {
        process.stdout.write(`${toJson({ inputHash: result.inputHash, fromCache: result.fromCache, contracts: deployable.map((artifact) => ({ name: `${artifact.sourceName}:${artifact.contractName}`, deployedBytes: (artifact.deployedBytecode.length - 2) / 2 })) })}\n`)
        return
      }
      for (const warning of result.warnings) process.stderr.write(`${warning.formattedMessage ?? warning.message}\n`)
      process.stdout.write(`compiled ${deployable.length} deployable contracts${result.fromCache ? ' (from cache)' : ''}, input hash ${result.inputHash.slice(0, 16)}…\n`)
    })
}
