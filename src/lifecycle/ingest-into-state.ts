import type { Allowlist } from '../allowlist/allowlist.ts'
import { ingestFeeds } from '../feeds/ingest-feeds.ts'
import type { IngestResult } from '../indicators/indicator.ts'
import type { StateStore } from '../state/state-store.ts'
import type { LifecyclePolicy } from './lifecycle-policy.ts'
import { recordRun, type RunReport } from './record-run.ts'

export interface IngestIntoStateOptions {
  /** Command line summary for the `runs` table. */
  command: string
  /** Feed files to read. */
  paths: string[]
  /** Source names recorded for the run. The default is `paths`. */
  sources?: string[]
  policy: LifecyclePolicy
  allowlist: Allowlist
  /** Lifecycle time; default: the clock when the run starts. */
  now?: Date
  /** Returns the current time; tests fix it. */
  clock?: () => Date
}

/**
 * Reads feed files with `ingestFeeds` and records them as one run (see
 * {@link recordRun}). Feeds are read completely before the transaction
 * starts, so an invalid file leaves the state untouched.
 *
 * @throws FeedError for a missing or invalid feed file.
 */
export async function ingestIntoState(
  store: StateStore,
  options: IngestIntoStateOptions,
): Promise<{ report: RunReport; ingest: IngestResult }> {
  const clock = options.clock ?? (() => new Date())
  const started = clock()
  // Confidence is a lifecycle rule here, so low-confidence indicators are
  // stored with status below-confidence instead of being rejected.
  const ingest = await ingestFeeds(options.paths, {})

  const report = await recordRun(store, {
    command: options.command,
    sources: options.sources ?? options.paths,
    started,
    now: options.now ?? started,
    ingest,
    policy: options.policy,
    allowlist: options.allowlist,
    clock,
  })
  return { report, ingest }
}
