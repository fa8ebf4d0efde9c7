import type { LogReader, LogRow } from '../log-row.ts'
import { parseSyslogHeader } from '../syslog-header.ts'
import { parseEpochTimestamp, parseIsoTimestamp } from '../timestamps.ts'
import type { ReaderContext } from './reader-context.ts'

const TABLE = 'CommonSecurityLog'

// FortiGate fields and the CommonSecurityLog columns they fill, following
// Fortinet's CEF output as Sentinel stores it (a FortiGate record in the
// Azure-Sentinel sample data has DeviceExternalID from devid, ExternalID
// from the session id, ApplicationProtocol from app, and every other field
// as FortinetFortiGate<key>=<value> in AdditionalExtensions).
const FIELD_COLUMNS: Record<string, string> = {
  srcip: 'SourceIP',
  srcport: 'SourcePort',
  dstip: 'DestinationIP',
  dstport: 'DestinationPort',
  proto: 'Protocol',
  action: 'DeviceAction',
  hostname: 'DestinationHostName',
  url: 'RequestURL',
  devname: 'DeviceName',
  devid: 'DeviceExternalID',
  logid: 'DeviceEventClassID',
  sessionid: 'ExternalID',
  sentbyte: 'SentBytes',
  rcvdbyte: 'ReceivedBytes',
  srcintf: 'DeviceInboundInterface',
  dstintf: 'DeviceOutboundInterface',
  user: 'SourceUserName',
  msg: 'Message',
  filename: 'FileName',
  analyticscksum: 'FileHash',
  agent: 'RequestClientApplication',
  transip: 'SourceTranslatedAddress',
  transport: 'SourceTranslatedPort',
  tranip: 'DestinationTranslatedAddress',
  tranport: 'DestinationTranslatedPort',
  level: 'LogSeverity',
  srcmac: 'SourceMACAddress',
  dstmac: 'DestinationMACAddress',
}

const COLUMNS = [
  'TimeGenerated',
  'Activity',
  'ApplicationProtocol',
  'AdditionalExtensions',
  'Computer',
  ...new Set(Object.values(FIELD_COLUMNS)),
]

const PAIR = /([A-Za-z0-9_-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g

/** Splits FortiGate `key=value` text; quoted values may hold spaces and `\"`. */
export function parseFortiGatePairs(text: string): Map<string, string> {
  const pairs = new Map<string, string>()
  PAIR.lastIndex = 0
  for (let m = PAIR.exec(text); m; m = PAIR.exec(text)) {
    pairs.set(m[1]!, m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!)
  }
  return pairs
}

/**
 * Event time: `eventtime` (epoch in s, ms, us or ns), else `date` and
 * `time` with the `tz` offset when the record has one (device local time
 * read as UTC otherwise), else the syslog header time.
 */
function fortiGateTime(
  pairs: Map<string, string>,
  headerTime: number | undefined,
): number | undefined {
  const epoch = pairs.get('eventtime')
  const fromEpoch = epoch === undefined ? undefined : parseEpochTimestamp(epoch)
  if (fromEpoch !== undefined) return fromEpoch
  const date = pairs.get('date')
  const time = pairs.get('time')
  if (date && time) {
    const zone = pairs.get('tz') ?? ''
    const parsed = parseIsoTimestamp(
      `${date}T${time}${/^[+-]\d{4}$/.test(zone) ? zone : ''}`,
    )
    if (parsed !== undefined) return parsed
  }
  return headerTime
}

/** Reads FortiGate key=value syslog into CommonSecurityLog. */
export function createFortiGateKvReader(context: ReaderContext): LogReader {
  const output = context.sink.table(TABLE, COLUMNS, {
    DeviceVendor: 'Fortinet',
    DeviceProduct: 'Fortigate',
  })
  return {
    line(text, lineNumber) {
      if (text.trim() === '') return
      const header = parseSyslogHeader(text, context.referenceMicros)
      const pairs = parseFortiGatePairs(text.slice(header.length))
      if (!pairs.has('logid') && !pairs.has('type')) {
        context.sink.unparsed(lineNumber, 'no FortiGate logid= or type= field')
        return
      }
      const row: LogRow = { Computer: header.host ?? pairs.get('devname') }
      const additional: string[] = []
      for (const [key, value] of pairs) {
        const column = FIELD_COLUMNS[key]
        if (column && value !== '') row[column] = value
        else if (!['date', 'time', 'eventtime'].includes(key))
          additional.push(`FortinetFortiGate${key}=${value}`)
      }
      const activity = [
        `${pairs.get('type') ?? ''}:${pairs.get('subtype') ?? ''}`,
        pairs.get('eventtype'),
        pairs.get('action'),
      ]
      row['Activity'] = activity.filter(Boolean).join(' ')
      row['ApplicationProtocol'] = pairs.get('app') || pairs.get('service')
      row['AdditionalExtensions'] = additional.join(';') || undefined
      row['TimeGenerated'] =
        fortiGateTime(pairs, header.time) ?? context.referenceMicros
      output.write(row, lineNumber)
    },
    end() {},
  }
}
