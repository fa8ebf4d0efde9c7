import { compareIndicators } from '../indicators/compare-indicators.ts'
import { findFamilyOverlaps } from '../indicators/find-family-overlaps.ts'
import type {
  Indicator,
  IngestResult,
  RejectedRecord,
} from '../indicators/indicator.ts'
import { mergeIndicator } from '../indicators/merge-indicator.ts'
import { normaliseRecord } from '../indicators/normalise-record.ts'
import type { FeedRecord } from './feed-record.ts'
import { readFeedFile } from './read-feed-file.ts'

interface MergeState {
  byKey: Map<string, Indicator>
  rejected: RejectedRecord[]
  merged: number
}

export interface IngestOptions {
  /**
   * Minimum confidence from 0 to 100. Records below it are rejected with
   * the reason `confidence 50 is below the minimum 75`.
   */
  minConfidence?: number
  /**
   * Called with the number of records normalised so far and the number
   * read, every {@link PROGRESS_INTERVAL} records and after the last one,
   * so that a command line can show progress.
   */
  onProgress?: (done: number, total: number) => void
}

/** Number of records between two {@link IngestOptions.onProgress} calls. */
export const PROGRESS_INTERVAL = 10_000

/**
 * Reads every feed file, normalises each record and merges records with
 * the same key across all files. Every record read is counted once:
 * `read = accepted + merged + rejected`, where `accepted` is the number of
 * indicators and `merged` the records folded into an earlier one. Each
 * rejected record carries its file, record id, raw value and reason.
 * Indicators are sorted by family, type, value and port. Files are read one
 * after another, in the order given, and all records stay in memory.
 *
 * @throws FeedError when a file cannot be read or is not a valid feed,
 *   before any indicator is returned.
 * @throws RangeError when `minConfidence` is not a number from 0 to 100.
 */
export async function ingestFeeds(
  paths: string[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  checkMinConfidence(options.minConfidence)

  const records = await readFeedFiles(paths)
  const { byKey, rejected, merged } = normaliseAndMerge(records, options)

  const indicators = [...byKey.values()].sort(compareIndicators)
  return {
    indicators,
    totals: {
      read: records.length,
      accepted: indicators.length,
      merged,
      rejected: rejected.length,
    },
    rejected,
    familyOverlaps: findFamilyOverlaps(indicators),
  }
}

async function readFeedFiles(paths: string[]): Promise<FeedRecord[]> {
  const records: FeedRecord[] = []
  for (const path of paths) {
    // A loop, not push(...records): spreading a full export's million
    // records as arguments overflows the call stack.
    for (const record of await readFeedFile(path)) records.push(record)
  }
  return records
}

function normaliseAndMerge(
  records: FeedRecord[],
  options: IngestOptions,
): MergeState {
  const state: MergeState = { byKey: new Map(), rejected: [], merged: 0 }
  for (const [index, record] of records.entries()) {
    reportProgress(index, records.length, options.onProgress)
    const outcome = normaliseRecord(record, options)
    if (outcome.rejected !== undefined) {
      state.rejected.push(outcome.rejected)
      continue
    }

    const { indicator } = outcome
    const existing = state.byKey.get(indicator.key)
    if (existing === undefined) {
      state.byKey.set(indicator.key, indicator)
    } else {
      state.byKey.set(indicator.key, mergeIndicator(existing, indicator))
      state.merged += 1
    }
  }
  options.onProgress?.(records.length, records.length)
  return state
}

function reportProgress(
  done: number,
  total: number,
  onProgress: IngestOptions['onProgress'],
): void {
  if (done > 0 && done % PROGRESS_INTERVAL === 0) onProgress?.(done, total)
}

function checkMinConfidence(minConfidence: number | undefined): void {
  if (minConfidence === undefined) return
  if (minConfidence >= 0 && minConfidence <= 100) return

  throw new RangeError(
    `minimum confidence ${minConfidence} is invalid: expected a number from 0 to 100`,
  )
}
