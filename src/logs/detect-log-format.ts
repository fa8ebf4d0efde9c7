import { open } from 'node:fs/promises'

import { findCefStart } from './cef-parser.ts'
import { splitCsvRecord } from './csv-record.ts'
import { JsonRecordAssembler, type JsonObject } from './json-records.ts'
import { LogFileError, UnknownLogFormatError } from './log-errors.ts'
import {
  ZEEK_PATHS,
  type DetectedLogFormat,
  type ZeekPath,
} from './log-format.ts'
import { parseSyslogHeader } from './syslog-header.ts'

// Enough for the header and first records of every format, including a
// pretty-printed JSON array whose first object is large.
const SAMPLE_BYTES = 256 * 1024
// Line formats are recognised on the first of this many non-empty lines that
// matches, so one corrupt first line does not hide the format.
const LINES_TO_TRY = 10

/** Infers a Zeek log path from the field names of one record. */
export function zeekPathFromFields(
  fields: readonly string[],
): ZeekPath | undefined {
  const has = (name: string) => fields.includes(name)
  if (has('conn_state') || has('history') || has('orig_pkts')) return 'conn'
  if (has('query') && (has('qtype') || has('rcode') || has('answers')))
    return 'dns'
  if (has('method') && (has('uri') || has('status_code'))) return 'http'
  if (has('server_name') || has('cipher') || has('ssl_history')) return 'ssl'
  return undefined
}

function isSysmonNetworkRecord(record: JsonObject): boolean {
  const winlog = record['winlog'] as JsonObject | undefined
  const channel = String(record['Channel'] ?? winlog?.['channel'] ?? '')
  const source = String(
    record['SourceName'] ??
      record['ProviderName'] ??
      winlog?.['provider_name'] ??
      '',
  )
  if (/sysmon/i.test(channel) || /sysmon/i.test(source)) return true
  const eventId = String(
    record['EventID'] ?? record['EventId'] ?? winlog?.['event_id'] ?? '',
  )
  return eventId === '3' && 'DestinationIp' in record && 'Image' in record
}

function classifyJsonRecord(
  record: JsonObject,
  file: string,
  line: string,
): DetectedLogFormat | undefined {
  if ('event_type' in record && 'timestamp' in record)
    return { format: 'suricata-eve' }
  if ('ts' in record && ('uid' in record || 'id.orig_h' in record)) {
    const declared =
      typeof record['_path'] === 'string'
        ? (record['_path'] as string)
        : undefined
    const path = declared ?? zeekPathFromFields(Object.keys(record))
    if (!path || !ZEEK_PATHS.includes(path as ZeekPath)) {
      throw new UnknownLogFormatError(
        file,
        line,
        `Zeek JSON log ${path ? `path "${path}"` : 'of an unknown path'} has no table mapping; supported paths: ${ZEEK_PATHS.join(', ')}`,
      )
    }
    return { format: 'zeek-json', zeekPath: path as ZeekPath }
  }
  if (isSysmonNetworkRecord(record)) return { format: 'sysmon-json' }
  if (
    'ActionType' in record &&
    ('DeviceName' in record || 'DeviceId' in record)
  ) {
    return { format: 'defender-json' }
  }
  if (
    'DeviceVendor' in record ||
    'DeviceProduct' in record ||
    record['Type'] === 'CommonSecurityLog'
  ) {
    return { format: 'commonsecuritylog-json' }
  }
  return undefined
}

function detectZeekTsv(
  lines: readonly string[],
  file: string,
): DetectedLogFormat {
  let path: string | undefined
  let fields: string[] = []
  for (const line of lines) {
    if (!line.startsWith('#')) break
    const [key, ...rest] = line.split(/[\t ]/)
    if (key === '#path') path = rest.join('').trim()
    if (key === '#fields') fields = line.split('\t').slice(1)
  }
  path ??= zeekPathFromFields(fields)
  if (!path || !ZEEK_PATHS.includes(path as ZeekPath)) {
    throw new UnknownLogFormatError(
      file,
      lines[0] ?? '',
      `Zeek log ${path ? `path "${path}"` : 'without #path'} has no table mapping; supported paths: ${ZEEK_PATHS.join(', ')}`,
    )
  }
  return { format: 'zeek-tsv', zeekPath: path as ZeekPath }
}

function firstJsonRecord(lines: readonly string[]): JsonObject | undefined {
  let first: JsonObject | undefined
  const assembler = new JsonRecordAssembler(
    (record) => {
      first ??= record
    },
    () => {},
  )
  for (let i = 0; i < lines.length && !first; i++)
    assembler.line(lines[i]!, i + 1)
  return first
}

function csvHeaderFormat(line: string): DetectedLogFormat | undefined {
  let names: string[]
  try {
    names = splitCsvRecord(line).map((name) =>
      name.replace(/\s*\[UTC\]$/, '').trim(),
    )
  } catch {
    return undefined
  }
  if (names.length < 3) return undefined
  if (names.includes('DeviceVendor') && names.includes('DeviceProduct')) {
    return { format: 'commonsecuritylog-csv' }
  }
  if (
    names.includes('ActionType') &&
    (names.includes('DeviceName') || names.includes('DeviceId'))
  ) {
    return { format: 'defender-csv' }
  }
  return undefined
}

const PAN_OS_CSV = /^\d+,\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2},[^,]*,[A-Z]+,/
const FORTIGATE_LOGID = /(?:^| )logid="?\d+"?(?: |$)/
const FORTIGATE_DEVICE = /(?:^| )(?:devid|devname)=/

function lineFormat(line: string): DetectedLogFormat | undefined {
  if (findCefStart(line) >= 0) return { format: 'cef' }
  const body = line.slice(parseSyslogHeader(line, Date.now() * 1000).length)
  if (PAN_OS_CSV.test(body)) return { format: 'pan-os-csv' }
  if (FORTIGATE_LOGID.test(line) && FORTIGATE_DEVICE.test(line))
    return { format: 'fortigate-kv' }
  return undefined
}

/**
 * Detects the format of a log from the text of its first bytes (`sample`).
 * Only content counts, never the file name. Returns `empty` for a file
 * with no non-blank line.
 *
 * @throws UnknownLogFormatError naming `file` when no format matches, or
 *   for a Zeek log path without a table mapping.
 */
export function detectLogFormat(
  sample: string,
  file: string,
): DetectedLogFormat {
  const lines = sample
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
  const nonEmpty = lines.filter((line) => line.trim() !== '')
  if (nonEmpty.length === 0) return { format: 'empty' }
  const first = nonEmpty[0]!.trimStart()

  if (/^#(separator|fields|path|set_separator)\b/.test(first)) {
    return detectZeekTsv(nonEmpty, file)
  }
  if (first.startsWith('{') || first.startsWith('[')) {
    const record = firstJsonRecord(lines)
    const format = record && classifyJsonRecord(record, file, first)
    if (format) return format
    throw new UnknownLogFormatError(
      file,
      first,
      record
        ? `JSON records with keys ${Object.keys(record).slice(0, 8).join(', ')} match no supported format`
        : 'no complete JSON object in the first bytes',
    )
  }
  const header = csvHeaderFormat(first)
  if (header) return header
  for (const line of nonEmpty.slice(0, LINES_TO_TRY)) {
    const format = lineFormat(line)
    if (format) return format
  }
  throw new UnknownLogFormatError(file, first)
}

/**
 * Reads the first bytes of `path` and detects its format.
 *
 * @throws LogFileError when the file cannot be read.
 * @throws UnknownLogFormatError when no format matches.
 */
export async function detectLogFileFormat(
  path: string,
): Promise<DetectedLogFormat> {
  let sample: string
  try {
    const handle = await open(path, 'r')
    try {
      const buffer = Buffer.alloc(SAMPLE_BYTES)
      const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0)
      let text = buffer.toString('utf8', 0, bytesRead)
      // Drop a last line cut by the sample size; it may be incomplete.
      const lastBreak = text.lastIndexOf('\n')
      if (bytesRead === SAMPLE_BYTES && lastBreak >= 0)
        text = text.slice(0, lastBreak + 1)
      sample = text
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw new LogFileError(path, error)
  }
  return detectLogFormat(sample, path)
}
