import { describeFeedSource, type FeedSource } from './feed-source.ts'

/** Kind of failure of a feed file as a whole. */
export type FeedErrorCode =
  | 'unreadable'
  | 'empty'
  | 'unknown-format'
  | 'invalid-json'
  | 'invalid-csv'
  | 'invalid-zip'
  | 'missing-columns'
  | 'api-error'

/**
 * Raised when a feed file cannot be read at all: it is missing or
 * unreadable, empty, of an unknown format, not valid JSON, CSV or ZIP, or an
 * error response. The message names the file and the ZIP entry, then states
 * the problem and what to do. A bad record inside a good file is not a
 * FeedError, because it becomes a rejected record.
 */
export class FeedError extends Error {
  /** Path of the input file as the user gave it. */
  readonly file: string
  /** Name of the entry inside `file` when `file` is a ZIP archive. */
  readonly archiveEntry?: string

  constructor(
    readonly code: FeedErrorCode,
    source: FeedSource,
    problem: string,
    action: string,
    options?: ErrorOptions,
  ) {
    super(`${describeFeedSource(source)}: ${problem}. ${action}`, options)
    this.name = 'FeedError'
    this.file = source.file
    if (source.archiveEntry !== undefined) {
      this.archiveEntry = source.archiveEntry
    }
  }
}
