/**
 * Child process for crash tests: builds packages from the state argv[2]
 * into argv[3] with lifecycle time argv[4]. It prints `wrote <path>` after
 * each file and pauses 200 ms, so the parent can kill it with SIGKILL while
 * the new tree is half written.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { Allowlist } from '../../src/allowlist/allowlist.ts'
import { parseReservedRangeCategories } from '../../src/allowlist/reserved-ranges.ts'
import { buildFromState } from '../../src/lifecycle/build-from-state.ts'
import { DEFAULT_LIFECYCLE_POLICY } from '../../src/lifecycle/lifecycle-policy.ts'
import { createBuildStages } from '../../src/packages/build-stages.ts'
import { StateStore } from '../../src/state/state-store.ts'

const [statePath, out, now] = process.argv.slice(2)
const store = await StateStore.open(statePath, { command: 'slow-build' })
await buildFromState(store, {
  out,
  lookback: '14d',
  inputs: [statePath],
  stages: createBuildStages('14d'),
  policy: DEFAULT_LIFECYCLE_POLICY,
  allowlist: Allowlist.load({
    reservedRanges: parseReservedRangeCategories('-documentation'),
  }),
  now: new Date(now),
  onFileWritten: async (path) => {
    process.stdout.write(`wrote ${path}\n`)
    await delay(200)
  },
})
store.close()
