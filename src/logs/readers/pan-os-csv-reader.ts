import { CsvSyntaxError, splitCsvRecord } from '../csv-record.ts'
import type { LogReader, LogRow } from '../log-row.ts'
import { parseSyslogHeader } from '../syslog-header.ts'
import { parseSlashDateTime } from '../timestamps.ts'
import type { ReaderContext } from './reader-context.ts'

const TABLE = 'CommonSecurityLog'

// Field positions shared by the TRAFFIC and THREAT logs, from the PAN-OS
// syslog field descriptions. They are 1 receive time, 2 serial, 3 type, 4 subtype,
// 6 generated time, 7-10 source, destination and their NAT addresses,
// 11 rule, 12-13 users, 14 application, 15 virtual system, 16-17 zones,
// 18-19 interfaces, 22 session id, 24-27 ports and NAT ports, 29 protocol,
// 30 action.
const COMMON_FIELDS: ReadonlyArray<readonly [number, string]> = [
  [2, 'DeviceExternalID'],
  [4, 'DeviceEventClassID'],
  [7, 'SourceIP'],
  [8, 'DestinationIP'],
  [9, 'SourceTranslatedAddress'],
  [10, 'DestinationTranslatedAddress'],
  [11, 'DeviceCustomString1'],
  [12, 'SourceUserName'],
  [13, 'DestinationUserName'],
  [14, 'ApplicationProtocol'],
  [16, 'DeviceCustomString4'],
  [17, 'DeviceCustomString5'],
  [18, 'DeviceInboundInterface'],
  [19, 'DeviceOutboundInterface'],
  [22, 'ExternalID'],
  [24, 'SourcePort'],
  [25, 'DestinationPort'],
  [26, 'SourceTranslatedPort'],
  [27, 'DestinationTranslatedPort'],
  [29, 'Protocol'],
  [30, 'DeviceAction'],
]
// TRAFFIC: 32 bytes sent, 33 bytes received, 46 session end reason.
const TRAFFIC_FIELDS: ReadonlyArray<readonly [number, string]> = [
  [32, 'SentBytes'],
  [33, 'ReceivedBytes'],
  [46, 'Reason'],
]
// THREAT: 31 URL or file name, 32 threat id, 34 severity.
const THREAT_FIELDS: ReadonlyArray<readonly [number, string]> = [
  [31, 'RequestURL'],
  [32, 'DeviceCustomString2'],
  [34, 'LogSeverity'],
]
const LABELS = {
  DeviceCustomString1Label: 'Rule',
  DeviceCustomString2Label: 'Threat ID',
  DeviceCustomString4Label: 'Source Zone',
  DeviceCustomString5Label: 'Destination Zone',
}

const COLUMNS = [
  'TimeGenerated',
  'Activity',
  'Computer',
  'ReceiptTime',
  ...new Set(
    [...COMMON_FIELDS, ...TRAFFIC_FIELDS, ...THREAT_FIELDS].map(([, c]) => c),
  ),
]

/**
 * Reads PAN-OS CSV syslog (TRAFFIC and THREAT logs) into CommonSecurityLog.
 * Times are the firewall's local time and are read as UTC. Other log types
 * are counted as skipped.
 */
export function createPanOsCsvReader(context: ReaderContext): LogReader {
  const output = context.sink.table(TABLE, COLUMNS, {
    DeviceVendor: 'Palo Alto Networks',
    DeviceProduct: 'PAN-OS',
    ...LABELS,
  })
  return {
    line(text, lineNumber) {
      if (text.trim() === '') return
      const header = parseSyslogHeader(text, context.referenceMicros)
      let fields: string[]
      try {
        fields = splitCsvRecord(text.slice(header.length))
      } catch (error) {
        if (!(error instanceof CsvSyntaxError)) throw error
        context.sink.unparsed(
          lineNumber,
          `invalid PAN-OS CSV: ${error.message}`,
        )
        return
      }
      const type = fields[3]
      if (type !== 'TRAFFIC' && type !== 'THREAT') {
        context.sink.skipped(
          lineNumber,
          `PAN-OS log type ${type ?? '(missing)'} has no table mapping`,
        )
        return
      }
      const specific = type === 'TRAFFIC' ? TRAFFIC_FIELDS : THREAT_FIELDS
      if (fields.length <= Math.max(...specific.map(([i]) => i))) {
        context.sink.unparsed(
          lineNumber,
          `a PAN-OS ${type} log needs more than ${fields.length} fields`,
        )
        return
      }
      const row: LogRow = {
        Computer: header.host,
        Activity: `${type} ${fields[4] ?? ''}`.trim(),
        ReceiptTime: fields[1],
        TimeGenerated:
          parseSlashDateTime(fields[6] ?? '') ??
          parseSlashDateTime(fields[1] ?? '') ??
          header.time,
      }
      for (const [index, column] of [...COMMON_FIELDS, ...specific]) {
        const value = fields[index]
        if (value !== undefined && value !== '') row[column] = value
      }
      output.write(row, lineNumber)
    },
    end() {},
  }
}
