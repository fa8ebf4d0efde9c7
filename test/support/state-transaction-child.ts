/**
 * Child process for crash tests: opens the state given as argv[2], stores the
 * indicators of the feed file argv[3] inside a transaction, prints
 * `in-transaction` and then waits, so the parent can kill it with SIGKILL
 * before the commit.
 */
import { ingestFeeds } from '../../src/feeds/ingest-feeds.ts'
import { StateStore } from '../../src/state/state-store.ts'

const [statePath, feed] = process.argv.slice(2)
const ingest = await ingestFeeds([feed])
const store = await StateStore.open(statePath, { command: 'crash-test' })
await store.transaction(async () => {
  const runId = await store.nextRunId()
  await store.saveIndicators(
    ingest.indicators.map((indicator) => ({
      indicator,
      status: 'active',
      addedRun: runId,
      changedRun: runId,
    })),
  )
  await store.insertRun({
    id: runId,
    started: '2026-04-12T00:00:00Z',
    finished: '2026-04-12T00:00:01Z',
    command: 'crash-test',
    sources: [feed],
    lifecycleNow: '2026-04-12T00:00:00Z',
    counts: {},
  })
  process.stdout.write('in-transaction\n')
  await new Promise(() => {})
})
