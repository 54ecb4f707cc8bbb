import type { ListrTask } from 'listr2'
import { openIncident } from '../../journal/incident.js'
import { drillManifest } from '../drillManifest.js'
import { formatAmount } from '../format.js'
import { recordAttack, runAttack } from '../scenario.js'
import { type PartialDrillState, need } from '../state.js'

/** The attacker drains the vault; firebreak opens an incident and journals what was detected. */
export function attackTasks(state: PartialDrillState, options: { incidentsRoot?: string }): ListrTask[] {
  return [
    {
      title: 'attacker drains the vault through V1\'s unchecked redeem',
      task: async (_, task) => {
        const attack = await runAttack(need(state, 'chain'), need(state, 'artifacts'), need(state, 'protocol'), need(state, 'actors'))
        state.attack = attack
        task.title = `attack in block ${attack.blockNumber} took ${formatAmount(attack.stolen)} from ${attack.victims.length} users`
      },
    },
    {
      title: 'open an incident',
      task: (_, task) => {
        const attack = need(state, 'attack')
        const protocol = need(state, 'protocol')
        // A drill over several chains opened one incident for all of them already.
        const incident = state.incident ?? openIncident({ root: options.incidentsRoot, title: 'drill vault drain' })
        state.incident = incident
        const actors = need(state, 'actors')
        // The team's keys stay in memory: the key executor signs with them, nothing writes them out.
        state.accounts = [actors.admin, actors.guardian, actors.treasury]
        incident.journal.append('drill.deployment', {
          chainId: need(state, 'chain').chain.id,
          ...(state.chainName ? { chain: state.chainName } : {}),
          token: protocol.token.address,
          vault: protocol.vault.address,
          implementation: protocol.implementationV1,
          actors: describeActors(state),
        })
        recordAttack(incident.journal, attack, protocol, state.chainName)
        // Written once the attack is known: the restore stage checks that its exploit now fails.
        state.manifest = drillManifest(state)
        task.title = `incident ${incident.id} opened in ${incident.dir}`
      },
    },
  ]
}

function describeActors(state: PartialDrillState) {
  const actors = need(state, 'actors')
  return {
    admin: actors.admin.address,
    guardian: actors.guardian.address,
    treasury: actors.treasury.address,
    attacker: actors.attacker.address,
    users: actors.users.map((user) => ({ name: user.name, account: user.account.address, deposit: user.deposit })),
  }
}
