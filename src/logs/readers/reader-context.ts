import type { DetectedLogFormat } from '../log-format.ts'
import type { LogSink } from '../log-row.ts'

/** Input of a reader for one file. */
export interface ReaderContext {
  readonly file: string
  readonly format: DetectedLogFormat
  readonly sink: LogSink
  /**
   * The file's modification time in microseconds since the Unix epoch: the
   * year of syslog times that have none, and TimeGenerated of records with
   * no time at all (Sentinel's TimeGenerated is the ingestion time).
   */
  readonly referenceMicros: number
}
