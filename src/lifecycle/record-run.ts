import type { Allowlist } from '../allowlist/allowlist.ts'
import type { AllowlistMatch } from '../allowlist/allowlist-entry.ts'
import type { Indicator, IngestResult } from '../indicators/indicator.ts'
import type {
  IndicatorEvent,
  IndicatorStatus,
  IndicatorStatusRow,
  StateStore,
  StatusUpdate,
  StoredIndicator,
} from '../state/state-store.ts'
import { toUtcTimestamp } from '../state/utc-timestamp.ts'
import { evaluateStatus, type StatusDecision } from './evaluate-status.ts'
import type { LifecyclePolicy } from './lifecycle-policy.ts'
import {
  feedDataFingerprint,
  mergeStoredIndicator,
} from './merge-stored-indicator.ts'

/** Input of {@link recordRun}. */
export interface RecordRunInput {
  /** Command line summary for the `runs` table, for example `ingest`. */
  command: string
  /** Feed files or URLs read. */
  sources: string[]
  started: Date
  /** Time the lifecycle rules use: `--now`, or the clock. */
  now: Date
  /** Indicators read in this run; omit for a lifecycle pass without new data. */
  ingest?: IngestResult
  policy: LifecyclePolicy
  allowlist: Allowlist
  /** Returns the finish time; tests fix it. Default: the clock. */
  clock?: () => Date
}

/**
 * Counts of one run. Transition counts (`expired`, `allowListed`,
 * `belowConfidence`, `reactivated`) include indicators added in the run
 * with that status; `total*` counts are of the whole state afterwards.
 */
export interface RunCounts {
  read: number
  accepted: number
  merged: number
  rejected: number
  added: number
  updated: number
  expired: number
  allowListed: number
  belowConfidence: number
  reactivated: number
  totalActive: number
  totalExpired: number
  totalAllowListed: number
  totalBelowConfidence: number
}

/** An indicator whose status changed in a run, or that was added with a status. */
export interface StatusChange {
  key: string
  type: Indicator['type']
  value: string
  port?: number
  family: string
  /** Undefined for an indicator added in the run. */
  from?: IndicatorStatus
  to: IndicatorStatus
  reason?: string
  /** The allow-list entry, for `allow-listed`. */
  allowlistMatch?: AllowlistMatch
}

/** Result of {@link recordRun}. */
export interface RunReport {
  /** Undefined when a lifecycle pass changed nothing and so recorded no run. */
  runId?: number
  counts: RunCounts
  changes: StatusChange[]
}

type Observed = Omit<IndicatorStatusRow, 'status' | 'statusReason'>

/**
 * Stores one run in a single transaction: the run row, new and updated
 * indicators (merged with {@link mergeStoredIndicator}), every indicator's
 * lifecycle status re-evaluated at `input.now`, and one event per change.
 * A crash before the commit leaves the state as it was.
 *
 * A lifecycle pass (no `ingest`) that changes no status records nothing.
 */
export async function recordRun(
  store: StateStore,
  input: RecordRunInput,
): Promise<RunReport> {
  return store.transaction(async () => {
    const runId = await store.nextRunId()
    const work: RunWork = {
      runId,
      input,
      events: [],
      changes: [],
      added: 0,
      updated: 0,
    }

    const touched = await mergeIncoming(store, work)
    await store.saveIndicators([...touched.values()])
    await store.updateStatuses(await reevaluateOthers(store, work, touched))

    const counts = await countRun(store, work)
    if (input.ingest === undefined && work.events.length === 0) {
      return { counts, changes: [] }
    }

    await store.appendEvents(work.events)
    await store.insertRun({
      id: runId,
      started: toUtcTimestamp(input.started),
      finished: toUtcTimestamp((input.clock ?? (() => new Date()))()),
      command: input.command,
      sources: input.sources,
      lifecycleNow: toUtcTimestamp(input.now),
      counts: { ...counts },
    })
    return { runId, counts, changes: work.changes }
  })
}

interface RunWork {
  runId: number
  input: RecordRunInput
  events: IndicatorEvent[]
  changes: StatusChange[]
  added: number
  updated: number
}

async function mergeIncoming(
  store: StateStore,
  work: RunWork,
): Promise<Map<string, StoredIndicator>> {
  const touched = new Map<string, StoredIndicator>()
  const incoming = work.input.ingest?.indicators ?? []
  if (incoming.length === 0) return touched

  const existing = await store.loadIndicatorsByKey(
    incoming.map((indicator) => indicator.key),
  )
  for (const indicator of incoming) {
    const prior = existing.get(indicator.key)
    if (prior === undefined) {
      work.added += 1
      touched.set(indicator.key, decide(work, indicator, undefined, 'added'))
      continue
    }

    const merged = mergeStoredIndicator(prior.indicator, indicator)
    const dataChanged =
      feedDataFingerprint(merged) !== feedDataFingerprint(prior.indicator)
    if (dataChanged) work.updated += 1
    touched.set(
      indicator.key,
      decide(work, merged, prior, dataChanged ? 'updated' : undefined),
    )
  }
  return touched
}

/** Evaluates a new or merged indicator and records its events. */
function decide(
  work: RunWork,
  indicator: Indicator,
  prior: StoredIndicator | undefined,
  dataEvent: 'added' | 'updated' | undefined,
): StoredIndicator {
  const decision = evaluate(work, observed(indicator))
  const statusChanged =
    prior === undefined ||
    prior.status !== decision.status ||
    prior.statusReason !== decision.reason

  if (dataEvent !== undefined) {
    work.events.push(event(work, indicator, dataEvent, decision))
  }
  if (prior !== undefined && statusChanged) {
    work.events.push(event(work, indicator, 'status', decision))
  }
  if (prior === undefined || prior.status !== decision.status) {
    work.changes.push(change(indicator, prior?.status, decision))
  }

  const stored: StoredIndicator = {
    indicator,
    status: decision.status,
    addedRun: prior?.addedRun ?? work.runId,
    changedRun:
      dataEvent !== undefined || statusChanged ? work.runId : prior!.changedRun,
  }
  if (decision.reason !== undefined) stored.statusReason = decision.reason
  return stored
}

async function reevaluateOthers(
  store: StateStore,
  work: RunWork,
  touched: ReadonlyMap<string, StoredIndicator>,
): Promise<StatusUpdate[]> {
  const updates: StatusUpdate[] = []
  for (const row of await store.loadStatusRows()) {
    if (touched.has(row.key)) continue

    const decision = evaluate(work, row)
    if (decision.status === row.status && decision.reason === row.statusReason)
      continue

    updates.push({
      key: row.key,
      status: decision.status,
      statusReason: decision.reason,
      changedRun: work.runId,
    })
    work.events.push(event(work, row, 'status', decision))
    if (decision.status !== row.status)
      work.changes.push(change(row, row.status, decision))
  }
  return updates
}

function evaluate(work: RunWork, row: Observed): StatusDecision {
  const { policy, allowlist, now } = work.input
  return evaluateStatus(row, policy, allowlist, now)
}

function observed(indicator: Indicator): Observed {
  return {
    key: indicator.key,
    type: indicator.type,
    value: indicator.value,
    port: indicator.port,
    urlHost: indicator.url?.host,
    family: indicator.family,
    confidence: indicator.confidence,
    firstSeen: indicator.firstSeen,
    lastSeen: indicator.lastSeen,
  }
}

function event(
  work: RunWork,
  item: { key: string; family: string },
  kind: IndicatorEvent['event'],
  decision: StatusDecision,
): IndicatorEvent {
  return {
    runId: work.runId,
    key: item.key,
    family: item.family,
    event: kind,
    status: decision.status,
    reason: decision.reason,
  }
}

function change(
  item: Pick<Observed, 'key' | 'type' | 'value' | 'port' | 'family'>,
  from: IndicatorStatus | undefined,
  decision: StatusDecision,
): StatusChange {
  const result: StatusChange = {
    key: item.key,
    type: item.type,
    value: item.value,
    family: item.family,
    to: decision.status,
  }
  if (item.port !== undefined) result.port = item.port
  if (from !== undefined) result.from = from
  if (decision.reason !== undefined) result.reason = decision.reason
  if (decision.allowlistMatch !== undefined)
    result.allowlistMatch = decision.allowlistMatch
  return result
}

async function countRun(store: StateStore, work: RunWork): Promise<RunCounts> {
  const totals = await store.countByStatus()
  const became = (status: IndicatorStatus) =>
    work.changes.filter((item) => item.to === status).length
  const ingestTotals = work.input.ingest?.totals

  return {
    read: ingestTotals?.read ?? 0,
    accepted: ingestTotals?.accepted ?? 0,
    merged: ingestTotals?.merged ?? 0,
    rejected: ingestTotals?.rejected ?? 0,
    added: work.added,
    updated: work.updated,
    expired: became('expired'),
    allowListed: became('allow-listed'),
    belowConfidence: became('below-confidence'),
    reactivated: work.changes.filter(
      (item) => item.from !== undefined && item.to === 'active',
    ).length,
    totalActive: totals.active,
    totalExpired: totals.expired,
    totalAllowListed: totals['allow-listed'],
    totalBelowConfidence: totals['below-confidence'],
  }
}
