import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import {
  cellReaderFor,
  fieldCountProblem,
  findAbusechCsvHeader,
  parseAbusechCsvRows,
  type AbusechCsvHeader,
} from './abusech-csv.ts'
import { buildFeodoTrackerRecord } from './feodo-tracker-fields.ts'

// Column names of the current blocklist (`first_seen_utc,dst_ip,dst_port,
// c2_status,last_online,malware`) and of older copies
// (`Firstseen,DstIP,DstPort,LastOnline,Malware`), after normalisation.
const COLUMNS = {
  firstSeen: ['first_seen_utc', 'firstseen'],
  ip: ['dst_ip', 'dstip'],
  port: ['dst_port', 'dstport'],
  lastOnline: ['last_online', 'lastonline'],
  malware: ['malware'],
}

/**
 * Finds the header of a Feodo Tracker CSV blocklist: a line with a
 * destination IP, a destination port and a malware column. Returns
 * undefined when there is none.
 */
export function findFeodoTrackerCsvHeader(
  text: string,
): AbusechCsvHeader | undefined {
  return findAbusechCsvHeader(text, (columns) =>
    [COLUMNS.ip, COLUMNS.port, COLUMNS.malware].every((names) =>
      names.some((name) => columns.includes(name)),
    ),
  )
}

/**
 * Reads every row of a Feodo Tracker CSV blocklist (`ipblocklist.csv`) as
 * an `ip:port` botnet C2 record. The record id is `line N`. A row with
 * another number of fields than the header becomes a record with a
 * `problem`, so that it is reported.
 *
 * @throws FeedError `invalid-csv` when the quoting is broken.
 */
export function readFeodoTrackerCsv(
  text: string,
  header: AbusechCsvHeader,
  source: FeedSource,
): FeedRecord[] {
  const cellsOf = cellReaderFor(header)
  return parseAbusechCsvRows(text, header, source).map((row) => {
    const cell = cellsOf(row)
    const first = (names: string[]) =>
      names.map(cell).find((value) => value !== undefined)
    const fields = {
      ip: first(COLUMNS.ip),
      port: first(COLUMNS.port),
      malware: first(COLUMNS.malware),
      firstSeen: first(COLUMNS.firstSeen),
      lastOnline: first(COLUMNS.lastOnline),
      problem: fieldCountProblem(header, row),
    }
    return buildFeodoTrackerRecord(fields, source, `line ${row.line}`)
  })
}
