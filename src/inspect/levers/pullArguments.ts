import { type AbiParameter, maxUint256, zeroHash } from 'viem'

export type PullArgumentsParameters = {
  /** Written into a string argument: a pause that takes a reason or an identifier records why. */
  reason: string
}

export type PullArgumentsReturnType = { args: unknown[] } | { unbuildable: string }

/**
 * The arguments with which a pause lever is really pulled, shown in the plan before anyone signs:
 * `true` for a flag (`setPaused(true)`, a per-feature `pause(bool,bool,…)` pauses every feature),
 * the incident's reason for a string (`pause(string identifier)`), the longest duration or latest
 * time for a number (`pauseFor(PAUSE_INFINITELY)`), zero for an identifier. An address or a list
 * names what to pause (an asset, a market): no value is right for every protocol, so such a lever
 * is left for a playbook that names it.
 */
export function pullArguments(inputs: readonly AbiParameter[], { reason }: PullArgumentsParameters): PullArgumentsReturnType {
  const args: unknown[] = []
  for (const input of inputs) {
    const value = pullValue(input, reason)
    if (value === undefined) return { unbuildable: `its ${input.name ? `${input.name} ` : ''}argument (${input.type}) names what to pause: give it in a playbook step` }
    args.push(value)
  }
  return { args }
}

function pullValue(parameter: AbiParameter, reason: string): unknown {
  const { type } = parameter
  if (type === 'bool') return true
  if (type === 'string') return reason
  const unsigned = /^uint(\d*)$/.exec(type)
  if (unsigned) return unsigned[1] ? 2n ** BigInt(unsigned[1]) - 1n : maxUint256
  const signed = /^int(\d*)$/.exec(type)
  if (signed) return 2n ** BigInt(Number(signed[1] || 256) - 1) - 1n
  if (type === 'bytes32') return zeroHash
  const fixedBytes = /^bytes(\d+)$/.exec(type)
  if (fixedBytes) return `0x${'00'.repeat(Number(fixedBytes[1]))}`
  if (type === 'bytes') return '0x'
  if (type === 'tuple') {
    const components = (parameter as { components?: readonly AbiParameter[] }).components ?? []
    const values = components.map((component) => pullValue(component, reason))
    return values.includes(undefined) ? undefined : values
  }
  return undefined
}
