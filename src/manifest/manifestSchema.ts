import { getAddress } from 'viem'
import { z } from 'zod'
import { describeValue, didYouMean } from '../describeValue.js'
import type { ManifestArgument } from './types.js'
import { rpcUrlCarriesCredentials, rpcUrlShapeProblem } from './rpcUrl.js'

/**
 * The shape of firebreak.yaml, field by field. Each rule's error says what was expected in the
 * user's terms; the file and the path are added by `issuesToManifestError`. Cross-references
 * (unique names, known chains) and the environment are checked after this, in `resolveManifest`.
 */

type IssueWithInput = { input?: unknown }

/** `expected <what>, got <value>`: the form every manifest error takes. */
const expected = (what: string) => (issue: IssueWithInput) => `expected ${what}, got ${describeValue(issue.input)}`

/**
 * A mapping that rejects unknown keys: a typo in an optional key (`keyenv`, `abi_path`) would
 * otherwise leave it silently unset, and the team would learn it mid-incident, when the key is needed.
 */
function strictMapping<Shape extends z.ZodRawShape>(shape: Shape, what: string) {
  const allowed = Object.keys(shape)
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeys(issue.keys, allowed) : expected(what)(issue)),
  })
}

function unknownKeys(keys: readonly string[], allowed: readonly string[]): string {
  const expectation = `expected one of ${allowed.join(', ')}`
  if (keys.length === 1) return `unknown key; ${expectation}${didYouMean(keys[0]!, allowed)}`
  return `unknown keys ${keys.map((key) => `${JSON.stringify(key)}${didYouMean(key, allowed)}`).join(', ')}; ${expectation}`
}

/** Names travel on the command line and into the journal, so they stay plain words. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
const nameOf = (what: string) => {
  const expectation = expected(`${what}: letters, digits, '-', '_' or '.'`)
  return z.string({ error: expectation }).regex(NAME, { error: expectation })
}

const ADDRESS = 'a 20-byte hex address'

/**
 * Lower case (no checksum) or a correct EIP-55 checksum. A mixed-case address whose checksum is
 * wrong almost always carries a typo: pausing the wrong address is not something to normalise away.
 */
function hasValidChecksum(address: string): boolean {
  const digits = address.slice(2)
  if (digits === digits.toLowerCase() || digits === digits.toUpperCase()) return true
  return getAddress(address) === address
}

const address = z
  .string({ error: expected(ADDRESS) })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: expected(ADDRESS) })
  .refine(hasValidChecksum, {
    error: (issue) => `expected ${ADDRESS} with a valid checksum (or all lower case), got ${describeValue(issue.input)}: check it for a typo`,
  })
  .transform((value) => getAddress(value))

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** A scheme (`https://…`) or a path (`hooks.slack.com/services/…`): a URL, or most of one, that may carry a secret. */
const looksLikeUrl = (value: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.includes('/')
const looksLikePrivateKey = (value: string) => /^(0x)?[0-9a-fA-F]{64}$/.test(value)

/**
 * The variable holding a URL. A URL pasted in its place is not echoed back: RPC URLs often carry
 * an API key, and Slack's and Discord's webhook URLs are themselves the secret.
 */
function urlVariable(what: string, orLiteral: string) {
  const expectation = `the name of an environment variable holding ${what}`
  return z.string({ error: expected(expectation) }).superRefine((value, context) => {
    if (looksLikeUrl(value)) {
      context.addIssue({ code: 'custom', message: `expected ${expectation}, got a URL: set the URL in the environment (${orLiteral})` })
    } else if (!ENV_NAME.test(value)) {
      context.addIssue({ code: 'custom', message: expected(expectation)({ input: value }) })
    }
  })
}

const rpcUrlEnv = urlVariable('the RPC URL', 'or use rpcUrl for a local node')

/** A key pasted into the file may already be committed and pushed: say so, and never print it. */
const keyEnv = z.string({ error: expected('the name of an environment variable holding the key') }).superRefine((value, context) => {
  if (looksLikePrivateKey(value)) {
    context.addIssue({
      code: 'custom',
      message: 'expected the name of an environment variable holding the key, got what looks like a private key: remove it from the file and treat the key as compromised',
    })
  } else if (!ENV_NAME.test(value)) {
    context.addIssue({ code: 'custom', message: expected('the name of an environment variable holding the key')({ input: value }) })
  }
})

/**
 * A literal URL is meant for local nodes (anvil, a fork). One carrying credentials or an API key
 * belongs in the environment: manifests get committed and shared in post-mortems.
 */
const rpcUrl = z.string({ error: expected("a local node's URL (http, https, ws or wss)") }).superRefine((value, context) => {
  const shapeProblem = rpcUrlShapeProblem(value)
  if (shapeProblem) {
    context.addIssue({ code: 'custom', message: `expected a local node's URL (http, https, ws or wss), got one that ${shapeProblem}` })
  } else if (rpcUrlCarriesCredentials(value)) {
    context.addIssue({
      code: 'custom',
      message: 'expected a URL without credentials, got one that looks like it carries an API key: set it in an environment variable and name that variable in rpcUrlEnv',
    })
  }
})

const chainIdExpectation = expected('a positive integer chain id')
const chainId = z
  .number({ error: chainIdExpectation })
  .int({ error: chainIdExpectation })
  .positive({ error: chainIdExpectation })

/** Exactly one of rpcUrlEnv and rpcUrl: where a node's URL comes from, for a chain or its private submission endpoint. */
function oneRpcUrl(value: { rpcUrlEnv?: string | undefined; rpcUrl?: string | undefined }, context: z.RefinementCtx): void {
  const given = [value.rpcUrlEnv, value.rpcUrl].filter((entry) => entry !== undefined).length
  if (given !== 1) {
    context.addIssue({
      code: 'custom',
      message: `expected rpcUrlEnv (the environment variable holding the RPC URL) or rpcUrl (a local node's URL), got ${given === 0 ? 'neither' : 'both'}`,
    })
  }
}

const chain = strictMapping(
  { rpcUrlEnv: rpcUrlEnv.optional(), rpcUrl: rpcUrl.optional(), chainId },
  'a mapping with rpcUrlEnv (or rpcUrl) and chainId',
).superRefine(oneRpcUrl)

const chains = z
  .record(nameOf('a chain name'), chain, { error: expected('a mapping of chain names to { rpcUrlEnv, chainId }') })
  .refine((value) => Object.keys(value).length > 0, { error: 'expected at least one chain, got an empty mapping' })

const contract = strictMapping(
  {
    name: nameOf('a contract name'),
    address,
    chain: z.string({ error: expected('the name of a chain under chains') }).optional(),
    abi: z
      .string({ error: expected('the path of a JSON ABI or a Hardhat/Foundry artifact') })
      .min(1, { error: expected('the path of a JSON ABI or a Hardhat/Foundry artifact') })
      .optional(),
  },
  'a mapping with name, address and optionally chain and abi',
)

const AUTHORITY_TYPES = ['eoa', 'safe', 'timelock'] as const

const envName = (what: string) =>
  z.string({ error: expected(`the name of an environment variable holding ${what}`) }).regex(ENV_NAME, { error: expected(`the name of an environment variable holding ${what}`) })

const authority = strictMapping(
  {
    name: nameOf('an authority name'),
    /** The one chain it exists on (a Safe deployed at different addresses per chain); every chain when absent. */
    chain: z.string({ error: expected('the name of a chain under chains') }).optional(),
    type: z.enum(AUTHORITY_TYPES, { error: expected(`one of ${AUTHORITY_TYPES.join(', ')}`) }),
    address,
    keyEnv: keyEnv.optional(),
    /** An encrypted JSON keystore (`cast wallet import`), unlocked with the password in passwordEnv. */
    keystore: z.string({ error: expected('the path of an encrypted JSON keystore') }).min(1, { error: expected('the path of an encrypted JSON keystore') }).optional(),
    passwordEnv: envName("the keystore's password").optional(),
    /** A Safe's MultiSendCallOnly, where it is not at the canonical address. */
    multiSend: address.optional(),
    /** The eoa authority that pays the gas of a Safe's execTransaction. */
    submitter: nameOf('the name of an eoa authority').optional(),
  },
  'a mapping with name, type and address',
).superRefine((value, context) => {
  if (value.keyEnv !== undefined && value.type !== 'eoa') {
    context.addIssue({
      code: 'custom',
      path: ['keyEnv'],
      message: `expected keyEnv only on an eoa, got it on a ${value.type}: a ${value.type} acts through its ${value.type === 'safe' ? 'owners' : 'proposers'}, so list those as eoa authorities instead`,
    })
  }
  for (const key of ['keystore', 'passwordEnv'] as const) {
    if (value[key] !== undefined && value.type !== 'eoa') context.addIssue({ code: 'custom', path: [key], message: `expected ${key} only on an eoa, got it on a ${value.type}` })
  }
  if ((value.keystore === undefined) !== (value.passwordEnv === undefined)) {
    context.addIssue({ code: 'custom', path: [value.keystore === undefined ? 'keystore' : 'passwordEnv'], message: 'expected keystore and passwordEnv together: the keystore is unlocked with the password in that variable' })
  }
  for (const key of ['multiSend', 'submitter'] as const) {
    if (value[key] !== undefined && value.type !== 'safe') context.addIssue({ code: 'custom', path: [key], message: `expected ${key} only on a safe, got it on a ${value.type}` })
  }
})

const contractName = z.string({ error: expected('the name of a contract under contracts') }).min(1, { error: expected('the name of a contract under contracts') })
const functionName = z
  .string({ error: expected('a function name (with an ABI) or signature, e.g. setDepositCap(uint256)') })
  .regex(/^[A-Za-z_$][A-Za-z0-9_$]*(\(.*\))?$/, { error: expected('a function name (with an ABI) or signature, e.g. setDepositCap(uint256)') })
const argument = z.union([z.string(), z.number(), z.boolean()], { error: expected('a string, number or boolean argument') })

const PLAYBOOK_ARGUMENT = 'a string, number, boolean, list or mapping argument'

/**
 * A playbook argument: a scalar, or a list or mapping of them for an array or a struct
 * (`setRateLimiterConfig((bool,uint128,uint128))`). Only the shape is checked here, so a null deep
 * inside is named at its own path; whether it fits the function's ABI is checked once the ABI is
 * known, by manifestArguments. (A zod union would blame the whole argument, not the null in it.)
 */
const playbookArgument = z.custom<ManifestArgument>().superRefine((value, context) => {
  const misfit = firstMisfit(value, [])
  if (misfit) context.addIssue({ code: 'custom', path: misfit.path, message: expected(PLAYBOOK_ARGUMENT)({ input: misfit.value }) })
})

function firstMisfit(value: unknown, path: (string | number)[]): { path: (string | number)[]; value: unknown } | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return undefined
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const misfit = firstMisfit(item, [...path, index])
      if (misfit) return misfit
    }
    return undefined
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const misfit = firstMisfit(item, [...path, key])
      if (misfit) return misfit
    }
    return undefined
  }
  return { path, value }
}

/**
 * One containment action. Each kind names the lever as the team thinks of it; the authority that
 * holds it is found by `inspect`, never written here, so a playbook survives a change of signers.
 */
const playbookStep = strictMapping(
  {
    pause: contractName.optional(),
    limit: strictMapping({ contract: contractName, function: functionName, args: z.array(playbookArgument, { error: expected('a list of arguments') }) }, 'a mapping with contract, function and args').optional(),
    disable: strictMapping({ contract: contractName, function: functionName }, 'a mapping with contract and function').optional(),
    revoke: strictMapping({ contract: contractName, role: z.string({ error: expected('a role name, e.g. PAUSER_ROLE, or a bytes32 role id') }), account: address }, 'a mapping with contract, role and account').optional(),
  },
  'a mapping with one of pause, limit, disable, revoke',
).superRefine((value, context) => {
  const given = Object.keys(value).filter((key) => value[key as keyof typeof value] !== undefined)
  if (given.length !== 1) context.addIssue({ code: 'custom', message: `expected exactly one of pause, limit, disable, revoke, got ${given.length === 0 ? 'none' : given.join(' and ')}` })
})

const playbook = strictMapping(
  {
    description: z.string({ error: expected('a sentence saying when to run it') }).optional(),
    steps: z.array(playbookStep, { error: expected('a list of steps') }).min(1, { error: 'expected at least one step, got an empty list' }),
  },
  'a mapping with steps and optionally description',
)

const playbooks = z.record(nameOf('a playbook name'), playbook, { error: expected('a mapping of playbook names to { steps }') })

const WEI = 'an amount of wei (digits)'

/**
 * Digits, or a YAML integer small enough to be exact: 1000000000000000000001 written unquoted
 * arrives already rounded to 1e21, and a rounded amount is a different amount.
 */
const wei = z.union([z.string(), z.number()], { error: expected(WEI) }).superRefine((value, context) => {
  if (typeof value === 'string' ? !/^\d+$/.test(value) : !Number.isInteger(value) || value < 0) {
    context.addIssue({ code: 'custom', message: expected(WEI)({ input: value }) })
  } else if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    context.addIssue({ code: 'custom', message: `expected ${WEI}, got ${describeValue(value)}: YAML numbers past 2^53 lose their last digits, so write it in quotes, as a string` })
  }
})

/**
 * A call the protocol must keep serving once fixed (a deposit, a withdrawal): the replay gate sends
 * each one, as `from`, on the patched fork, and refuses a fix that breaks any.
 */
const normalOperation = strictMapping(
  {
    description: z.string({ error: expected('a sentence saying what the call is') }).min(1, { error: expected('a sentence saying what the call is') }),
    from: address,
    contract: contractName,
    function: functionName,
    args: z.array(argument, { error: expected('a list of arguments') }).optional(),
    value: wei.optional(),
  },
  'a mapping with description, from, contract, function and args',
)

const RESTORE_CALL = 'a mapping with contract, function and args'

/** A call a restore stage makes to turn a feature back on: `setFunctionPaused(bytes4,bool)`, `setDepositCap(uint256)`. */
const restoreCall = strictMapping(
  { contract: contractName, function: functionName, args: z.array(argument, { error: expected('a list of arguments') }).optional() },
  RESTORE_CALL,
)

const INVARIANT_OUTCOMES = ['expect', 'equals', 'atLeast', 'atMost'] as const
const EXPECTATIONS = ['success', 'revert'] as const

/**
 * What must hold once a stage's contracts run again, checked on a fork before anything is sent
 * and on chain after: a call from an account that must succeed (a withdrawal) or revert (the
 * exploit), or a view that must return a value.
 */
const invariant = strictMapping(
  {
    description: z.string({ error: expected('a sentence saying what must hold') }).min(1, { error: expected('a sentence saying what must hold') }),
    from: address.optional(),
    contract: contractName.optional(),
    /** A contract outside the manifest (the attacker's exploit), called by full signature or raw calldata. */
    to: address.optional(),
    function: functionName.optional(),
    args: z.array(argument, { error: expected('a list of arguments') }).optional(),
    /** Raw calldata, e.g. the attack transaction's input replayed against the reopened contract. */
    data: z.string({ error: expected('hex calldata, e.g. 0xabcdef01…') }).regex(/^0x([0-9a-fA-F]{2}){4,}$/, { error: expected('hex calldata, e.g. 0xabcdef01…') }).optional(),
    value: wei.optional(),
    expect: z.enum(EXPECTATIONS, { error: expected(`one of ${EXPECTATIONS.join(', ')}`) }).optional(),
    /** The custom error the call must revert with, e.g. ERC20InsufficientAllowance. */
    error: z.string({ error: expected('the name of a custom error, e.g. EnforcedPause') }).regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, { error: expected('the name of a custom error, e.g. EnforcedPause') }).optional(),
    equals: argument.optional(),
    atLeast: wei.optional(),
    atMost: wei.optional(),
  },
  'a mapping with description, contract (or to), function (or data) and one of expect, equals, atLeast, atMost',
).superRefine((value, context) => {
  if ((value.contract === undefined) === (value.to === undefined)) {
    context.addIssue({ code: 'custom', message: `expected contract (a name under contracts) or to (an address), got ${value.contract === undefined ? 'neither' : 'both'}` })
  }
  if ((value.function === undefined) === (value.data === undefined)) {
    context.addIssue({ code: 'custom', message: `expected function (with args) or data (raw calldata), got ${value.function === undefined ? 'neither' : 'both'}` })
  }
  if (value.data !== undefined && value.expect === undefined) context.addIssue({ code: 'custom', path: ['data'], message: "expected data only on a call with expect: a view's value is read through its function" })
  if (value.data !== undefined && value.args !== undefined) context.addIssue({ code: 'custom', path: ['args'], message: 'expected args or data, not both: data already holds the arguments' })
  const given = INVARIANT_OUTCOMES.filter((key) => value[key] !== undefined)
  if (given.length !== 1) {
    context.addIssue({ code: 'custom', message: `expected exactly one of expect (a call that must succeed or revert), equals, atLeast, atMost (a view's value), got ${given.length === 0 ? 'none' : given.join(' and ')}` })
  }
  if (value.expect !== undefined && value.from === undefined) {
    context.addIssue({ code: 'custom', path: ['from'], message: 'expected the account the call is made from, got nothing: a withdrawal or an exploit only means something from a given account' })
  }
  if (value.from !== undefined && value.expect === undefined) context.addIssue({ code: 'custom', path: ['from'], message: "expected from only on a call with expect: a view's value is read without an account" })
  if (value.error !== undefined && value.expect !== 'revert') context.addIssue({ code: 'custom', path: ['error'], message: 'expected error only with expect: revert' })
  if (value.value !== undefined && value.expect === undefined) context.addIssue({ code: 'custom', path: ['value'], message: 'expected value (wei sent) only on a call with expect' })
})

const approvals = strictMapping(
  {
    required: z.number({ error: expected('a positive whole number of approvals') }).int({ error: expected('a positive whole number of approvals') }).positive({ error: expected('a positive whole number of approvals') }).optional(),
    from: z.array(nameOf('the name of an eoa authority'), { error: expected('a list of authority names') }).min(1, { error: 'expected at least one authority, got an empty list' }).optional(),
  },
  'a mapping with required and/or from',
).superRefine((value, context) => {
  if (value.required === undefined && value.from === undefined) context.addIssue({ code: 'custom', message: 'expected required (how many approvals) or from (whose approvals), got neither' })
})

const FIX = ['required', 'not-needed'] as const

/**
 * One stage of the restore: what it turns back on, and the gates it must pass first. Stages run
 * in the order written: withdrawals before deposits, so users can leave before new money comes in.
 */
const restoreStage = strictMapping(
  {
    name: nameOf('a stage name'),
    description: z.string({ error: expected('a sentence saying what the stage reopens') }).optional(),
    unpause: z.array(contractName, { error: expected('a list of contract names') }).optional(),
    calls: z.array(restoreCall, { error: expected('a list of calls') }).optional(),
    /** `not-needed`: nothing was broken in the code (a key was compromised, an oracle misbehaved). */
    fix: z.enum(FIX, { error: expected(`one of ${FIX.join(', ')}`) }).optional(),
    invariants: z.array(invariant, { error: expected('a list of invariants') }).optional(),
    approvals: approvals.optional(),
  },
  'a mapping with name, unpause or calls, and optionally invariants, approvals, fix',
).superRefine((value, context) => {
  if ((value.unpause?.length ?? 0) + (value.calls?.length ?? 0) === 0) {
    context.addIssue({ code: 'custom', message: 'expected unpause or calls (what the stage turns back on), got neither' })
  }
})

const restore = strictMapping(
  { stages: z.array(restoreStage, { error: expected('a list of stages') }).min(1, { error: 'expected at least one stage, got an empty list' }) },
  'a mapping with stages',
)

/**
 * What is wrong with a webhook URL's shape, or undefined. Never the URL itself: Slack's and
 * Discord's carry the token that lets anyone post as the team's alerts.
 */
export function webhookUrlShapeProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `is not a webhook URL (its scheme is ${url.protocol.slice(0, -1)}, not http or https)`
  return undefined
}

/** Slack's `/services/T…/B…/<secret>` and Discord's `/api/webhooks/<id>/<token>`: the path is the password. */
const WEBHOOK_TOKEN_PATHS = [/\/services\/T\w+\/B\w+\/\w+/, /\/api\/(v\d+\/)?webhooks\/\d+\/[\w-]+/]
const SECRET_QUERY_KEY = /token|key|secret|sig|auth|pass/i

function webhookUrlCarriesToken(value: string): boolean {
  if (rpcUrlCarriesCredentials(value)) return true
  const url = new URL(value)
  return WEBHOOK_TOKEN_PATHS.some((path) => path.test(url.pathname)) || [...url.searchParams.keys()].some((key) => SECRET_QUERY_KEY.test(key))
}

const WEBHOOK_URL = 'a webhook URL (http or https)'

/** A literal webhook URL is meant for a local receiver (a test server, a relay on the host); one with a token belongs in the environment. */
const webhookUrl = z.string({ error: expected(WEBHOOK_URL) }).superRefine((value, context) => {
  const shapeProblem = webhookUrlShapeProblem(value)
  if (shapeProblem) {
    context.addIssue({ code: 'custom', message: `expected ${WEBHOOK_URL}, got one that ${shapeProblem}` })
  } else if (webhookUrlCarriesToken(value)) {
    context.addIssue({
      code: 'custom',
      message: 'expected a webhook URL without credentials, got one that looks like it carries a token: set it in an environment variable and name that variable in urlEnv',
    })
  }
})

const webhook = strictMapping(
  { urlEnv: urlVariable('the webhook URL', 'or use url for a local receiver').optional(), url: webhookUrl.optional() },
  'a mapping with urlEnv (or url)',
).superRefine((value, context) => {
  if ((value.urlEnv === undefined) === (value.url === undefined)) {
    context.addIssue({
      code: 'custom',
      message: `expected urlEnv (the environment variable holding the webhook URL) or url (a local receiver's URL), got ${value.urlEnv === undefined ? 'neither' : 'both'}`,
    })
  }
})

const PERCENT = 'a percentage above 0 and at most 100'
const positiveWhole = (what: string) => z.number({ error: expected(what) }).int({ error: expected(what) }).positive({ error: expected(what) })

/** A view read every block (`totalAssets()`), and when its value means trouble. */
const watchedInvariant = strictMapping(
  {
    contract: contractName,
    function: functionName,
    args: z.array(argument, { error: expected('a list of arguments') }).optional(),
    maxDropPercent: z.number({ error: expected(PERCENT) }).positive({ error: expected(PERCENT) }).max(100, { error: expected(PERCENT) }).optional(),
    atLeast: wei.optional(),
    atMost: wei.optional(),
  },
  'a mapping with contract, function and at least one of maxDropPercent, atLeast, atMost',
).superRefine((value, context) => {
  if (value.maxDropPercent === undefined && value.atLeast === undefined && value.atMost === undefined) {
    context.addIssue({ code: 'custom', message: 'expected at least one of maxDropPercent (a fall from one block to the next), atLeast, atMost (bounds the value must stay within), got none' })
  }
  if (value.atLeast !== undefined && value.atMost !== undefined && BigInt(value.atLeast) > BigInt(value.atMost)) {
    context.addIssue({ code: 'custom', path: ['atMost'], message: `expected atMost no lower than atLeast (${value.atLeast}), got ${value.atMost}: no value could satisfy both, so the trigger would fire on every block` })
  }
})

const EVENT_NAME = 'an event name (with an ABI) or signature, e.g. Withdraw(address,uint256)'

const watchedEvent = strictMapping(
  { contract: contractName, event: z.string({ error: expected(EVENT_NAME) }).regex(/^[A-Za-z_$][A-Za-z0-9_$]*(\(.*\))?$/, { error: expected(EVENT_NAME) }) },
  'a mapping with contract and event',
)

/** Tokens leaving a contract: a drain shows as outflow long before a view's value is read wrong. */
const watchedOutflow = strictMapping(
  { token: contractName, from: contractName, max: wei, windowBlocks: positiveWhole('a positive whole number of blocks') },
  'a mapping with token, from, max and windowBlocks',
)

const TRIGGER_KINDS = ['invariant', 'event', 'outflow'] as const

const trigger = strictMapping(
  { name: nameOf('a trigger name'), invariant: watchedInvariant.optional(), event: watchedEvent.optional(), outflow: watchedOutflow.optional() },
  'a mapping with name and one of invariant, event, outflow',
).superRefine((value, context) => {
  const given = TRIGGER_KINDS.filter((kind) => value[kind] !== undefined)
  if (given.length !== 1) context.addIssue({ code: 'custom', message: `expected exactly one of invariant, event, outflow, got ${given.length === 0 ? 'none' : given.join(' and ')}` })
})

/** A builder's or relay's endpoint: the same rules as a chain's node, since a private RPC URL may carry a key too. */
const privateEndpoint = strictMapping({ rpcUrlEnv: rpcUrlEnv.optional(), rpcUrl: rpcUrl.optional() }, 'a mapping with rpcUrlEnv (or rpcUrl)').superRefine(oneRpcUrl)

/**
 * What `firebreak watch` keeps armed. `automatic` has no default: acting without a person is a
 * decision the team writes down, authority by authority.
 */
const watch = strictMapping(
  {
    playbook: nameOf('a playbook name').optional(),
    automatic: z.array(nameOf('an authority name'), { error: expected('a list of authority names') }).min(1, { error: 'expected at least one authority, got an empty list' }),
    webhooks: z.array(webhook, { error: expected('a list of webhooks') }).optional(),
    pauseWindowWarningSeconds: positiveWhole('a positive whole number of seconds').optional(),
    pending: z.boolean({ error: expected('true or false') }).optional(),
    privateSubmission: z.record(nameOf('a chain name'), privateEndpoint, { error: expected('a mapping of chain names to { rpcUrlEnv } or { rpcUrl }') }).optional(),
    privateFallbackMs: z
      .number({ error: expected('a whole number of milliseconds (0 or more)') })
      .int({ error: expected('a whole number of milliseconds (0 or more)') })
      .nonnegative({ error: expected('a whole number of milliseconds (0 or more)') })
      .optional(),
    triggers: z.array(trigger, { error: expected('a list of triggers') }).optional(),
  },
  'a mapping with automatic and optionally playbook, webhooks, pauseWindowWarningSeconds, pending, privateSubmission, privateFallbackMs, triggers',
)

export const manifestSchema = strictMapping(
  {
    chains,
    contracts: z
      .array(contract, { error: expected('a list of contracts') })
      .min(1, { error: 'expected at least one contract, got an empty list' }),
    authorities: z.array(authority, { error: expected('a list of authorities') }).optional(),
    playbooks: playbooks.optional(),
    normalOperations: z.array(normalOperation, { error: expected('a list of calls') }).optional(),
    restore: restore.optional(),
    watch: watch.optional(),
  },
  'a mapping with chains, contracts and optionally authorities, playbooks, normalOperations, restore and watch',
)

/** firebreak.yaml as written, once its shape is valid: addresses checksummed, nothing resolved yet. */
export type ManifestFile = z.output<typeof manifestSchema>
