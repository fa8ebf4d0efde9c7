import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import { splitCommaList } from '../threatfox/threatfox-fields.ts'
import {
  cellReaderFor,
  fieldCountProblem,
  findAbusechCsvHeader,
  parseAbusechCsvRows,
  type AbusechCsvHeader,
} from './abusech-csv.ts'
import { buildUrlhausRecords } from './urlhaus-fields.ts'

/**
 * Finds the header of a URLhaus CSV file: a line with the columns `url` and
 * `dateadded`, as in the database dump (`# id,dateadded,url,url_status,
 * last_online,threat,tags,urlhaus_link,reporter`) and in the legacy TLD
 * feeds (`# Dateadded (UTC),URL,URL_status,Threat,Host,...`). Returns
 * undefined when there is none.
 */
export function findUrlhausCsvHeader(
  text: string,
): AbusechCsvHeader | undefined {
  return findAbusechCsvHeader(
    text,
    (columns) => columns.includes('url') && columns.includes('dateadded'),
  )
}

/**
 * Reads every row of a URLhaus CSV file as `url` records (see
 * {@link buildUrlhausRecords}). Columns are found by name, so older dumps
 * without `last_online` or `id` also read. The record id is the URLhaus id,
 * or `line N` when the file has no id column. A row with another number of
 * fields than the header becomes a record with a `problem`.
 *
 * @throws FeedError `invalid-csv` when the quoting is broken.
 */
export function readUrlhausCsv(
  text: string,
  header: AbusechCsvHeader,
  source: FeedSource,
): FeedRecord[] {
  const cellsOf = cellReaderFor(header)
  const records: FeedRecord[] = []
  for (const row of parseAbusechCsvRows(text, header, source)) {
    const cell = cellsOf(row)
    const fields = {
      id: cell('id'),
      url: cell('url'),
      dateAdded: cell('dateadded'),
      lastOnline: cell('last_online'),
      threat: cell('threat'),
      tags: splitCommaList(cell('tags')),
      urlhausLink: cell('urlhaus_link'),
      problem: fieldCountProblem(header, row),
    }
    records.push(...buildUrlhausRecords(fields, source, `line ${row.line}`))
  }
  return records
}
