/**
 * The post-mortem as data: what it says, independent of how it is shown. buildReport makes it
 * from the journal; renderMarkdown and renderHtml show it. Every string in it may come from the
 * journal, which anyone can write to: renderers escape everything they print.
 */
export type ReportDocument = { title: string; blocks: Block[] }

/** A run of text: plain, `code` (hashes, addresses, calls) or **strong** (a summary's labels). */
export type Inline = string | { code: string } | { strong: string }
export type Text = Inline[]

export type ListItem = { text: Text; items?: Text[] }

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: Text }
  /** What the war room must not miss (a chain left open): shown apart from the text around it. */
  | { kind: 'alert'; text: Text }
  | { kind: 'list'; items: ListItem[] }
  | { kind: 'table'; head: string[]; align?: ('left' | 'right')[]; rows: Text[][] }
  | { kind: 'chart'; chart: Chart }

export type Asset = { address: string; symbol: string; decimals: number }

/** Where an event of the incident sits on a chart of blocks: the attack, the pause, the fix, each restore. */
export type ChartMark = { kind: 'attack' | 'pause' | 'fix' | 'restore'; blockNumber: bigint; label: string }

/** What the protocol's contracts held of one asset, block by block, with the incident's events marked. */
export type AssetChart = {
  kind: 'assets'
  title: string
  asset: Asset
  series: { name: string; address: string; points: { blockNumber: bigint; amount: bigint }[] }[]
  marks: ChartMark[]
}

/** Each account's loss of one asset, largest first; beyond the bars shown, the rest in one. */
export type LossChart = {
  kind: 'losses'
  title: string
  asset: Asset
  bars: { account: string; loss: bigint }[]
  others?: { accounts: number; loss: bigint }
}

export type Chart = AssetChart | LossChart
