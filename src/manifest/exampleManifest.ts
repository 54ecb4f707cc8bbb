/** The environment variable the example reads its RPC URL from; `firebreak init` tells the user to set it. */
export const EXAMPLE_RPC_URL_ENV = 'MAINNET_RPC_URL'

/**
 * What `firebreak init` writes. It must load as it stands (once MAINNET_RPC_URL is set) so that a
 * team starts from a working file and edits values, rather than debugging a template mid-incident;
 * a test loads it. Addresses are placeholders (repeated digits) that no one can mistake for a deployment.
 */
export const exampleManifest = `# firebreak.yaml — what firebreak needs to know about your protocol before an incident.
# Every value below is an example: replace the addresses with your own deployment's.
# Check it with \`firebreak inspect\`; an error names the line and what was expected.

# The chains your contracts live on, by a name you choose (used by \`chain:\` below and on the CLI).
chains:
  mainnet:
    # The environment variable holding the RPC URL. The URL itself stays out of this file:
    # provider URLs carry API keys, and this file gets committed and shared in post-mortems.
    rpcUrlEnv: ${EXAMPLE_RPC_URL_ENV}
    # The chain id the node must report; firebreak refuses to act on a node of another chain.
    chainId: 1
  # A local node (anvil, a fork) may be given by a literal URL instead, as it holds no secret:
  # local:
  #   rpcUrl: http://127.0.0.1:8545
  #   chainId: 31337

# The contracts firebreak inspects and acts on.
contracts:
  - # A unique name: how the CLI, the journal and the report refer to this contract.
    name: vault
    # Quoted: checksummed or all lower case. A mixed-case address with a wrong checksum is refused.
    address: "0x1111111111111111111111111111111111111111"
    # Which chain above it lives on; optional while there is only one chain.
    chain: mainnet
    # Optional: a JSON ABI, or a Hardhat/Foundry artifact (a JSON object with an "abi" key),
    # relative to this file. Without it, firebreak reads the function selectors from the bytecode.
    # abi: ./out/Vault.sol/Vault.json
  - name: token
    address: "0x2222222222222222222222222222222222222222"

# Optional: your team's own authorities. They label the authority graph, and readiness checks
# that the levers are held by them.
authorities:
  - name: guardian
    # eoa (a single key), safe (a Safe multisig) or timelock (a TimelockController).
    type: eoa
    address: "0x3333333333333333333333333333333333333333"
    # Optional, eoa only: the environment variable holding its private key, read only when a step
    # is sent. Never write the key itself here.
    keyEnv: GUARDIAN_KEY
    # Or an encrypted keystore (\`cast wallet import\`), unlocked with the password in passwordEnv:
    # keystore: ~/.foundry/keystores/guardian
    # passwordEnv: GUARDIAN_KEYSTORE_PASSWORD
  - name: security-council
    type: safe
    address: "0x4444444444444444444444444444444444444444"
    # Optional, safe only: the eoa above that pays the gas of the signed Safe transaction.
    submitter: guardian
  - name: governance-timelock
    type: timelock
    address: "0x5555555555555555555555555555555555555555"

# Optional: containment playbooks, run with \`firebreak contain <name>\` (pause-all is built in: it
# pauses every pausable contract above). Steps name levers, never signers: who holds each lever is
# found on chain when the playbook runs, so a playbook survives a change of keys.
playbooks:
  freeze-vault:
    description: stop deposits and the exploited function, keep withdrawals open
    steps:
      - limit: { contract: vault, function: setDepositCap, args: [0] }
      - disable: { contract: vault, function: redeem }
      # - pause: vault                     # or: pause: all
      # - revoke: { contract: vault, role: PAUSER_ROLE, account: "0x6666666666666666666666666666666666666666" }

# Optional: calls the protocol must keep serving once fixed. \`firebreak upgrade\` sends each one on a
# fork with the patched implementation, and refuses a fix that breaks any.
normalOperations:
  - description: a depositor withdraws 1 token from their own position
    from: "0x7777777777777777777777777777777777777777"
    contract: vault
    function: withdraw(uint256,address,address)
    args: ["1000000000000000000", "0x7777777777777777777777777777777777777777", "0x7777777777777777777777777777777777777777"]

# Optional: the stages \`firebreak restore run <stage>\` reopens, in order. Each is gated: the fix
# passed both eradication gates (unless fix: not-needed), the approvals are signed
# (\`firebreak restore approve <stage> --as <authority>\`), and the invariants hold on a fork.
restore:
  stages:
    - name: withdrawals
      unpause: [vault]
      invariants:
        - description: a depositor can withdraw
          from: "0x7777777777777777777777777777777777777777"
          contract: vault
          function: withdraw(uint256,address,address)
          args: ["1000000000000000000", "0x7777777777777777777777777777777777777777", "0x7777777777777777777777777777777777777777"]
          expect: success
      approvals:
        from: [guardian]

# Optional: what \`firebreak watch\` keeps armed, what fires it, and through whom it may act alone.
# watch:
#   # The playbook sent when a trigger fires; pause-all (built in) unless named.
#   playbook: freeze-vault
#   # Authorities the watcher may act through without a person: an eoa whose key it holds (a
#   # pause-only guardian), or a safe whose owners signed the armed transaction in advance, listed
#   # with its submitter. Not a timelock: its delay is the opposite of acting at once.
#   automatic: [guardian, security-council]
#   # Where alerts go. A Slack or Discord webhook URL is itself a secret: name its variable.
#   webhooks:
#     - urlEnv: SLACK_WEBHOOK_URL
#   # Checked on every block; invariants also after each pending transaction, on a fork.
#   triggers:
#     - name: assets-drop
#       invariant: { contract: vault, function: totalAssets(), maxDropPercent: 10 }
#     - name: withdrawals
#       # A name needs the contract's abi above; without one, give the full signature.
#       event: { contract: vault, event: "Withdraw(address,address,address,uint256,uint256)" }
#     - name: token-outflow
#       outflow: { token: token, from: vault, max: "1000000000000000000000", windowBlocks: 10 }
#   # Optional: send the watcher's transactions through a builder's private RPC first, so the
#   # attacker does not see the pause coming; after privateFallbackMs they go to the public node too.
#   privateSubmission:
#     mainnet: { rpcUrlEnv: PRIVATE_RPC_URL }
#   privateFallbackMs: 3000
#   # Warn this long before a pause window closes (default 7 days).
#   pauseWindowWarningSeconds: 604800
#   # Simulate pending transactions and check the invariants after each (default true).
#   pending: true
`
