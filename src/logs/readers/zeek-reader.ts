import { canonicalIp } from '../ip-address.ts'
import { JsonRecordAssembler, type JsonObject } from '../json-records.ts'
import type { ZeekPath } from '../log-format.ts'
import type { CellValue, LogReader, LogRow, TableOutput } from '../log-row.ts'
import { parseEpochTimestamp, parseIsoTimestamp } from '../timestamps.ts'
import { integerOf, splitHostName, sumOf } from './field-values.ts'
import type { ReaderContext } from './reader-context.ts'

/** One Zeek record, read the same way from TSV and JSON logs. */
export interface ZeekRecord {
  /** The field as text; undefined when unset (`-` in TSV, missing in JSON). */
  text(field: string): string | undefined
  /** The elements of a set or vector field. */
  list(field: string): string[]
  /** The `ts`-style time field in microseconds since the Unix epoch. */
  time(field: string): number | undefined
}

const PRODUCT = { EventProduct: 'Zeek', EventVendor: 'Zeek', EventCount: 1 }

function ip(record: ZeekRecord, field: string): string | undefined {
  const value = record.text(field)
  return value === undefined ? undefined : canonicalIp(value)
}

function port(record: ZeekRecord, field: string): number | undefined {
  return integerOf(record.text(field))
}

function seconds(record: ZeekRecord, field: string): number | undefined {
  const value = record.text(field)
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined
  return Math.round(Number(value) * 1e6)
}

function flag(record: ZeekRecord, field: string): boolean | undefined {
  const value = record.text(field)
  if (value === 'T' || value === 'true') return true
  if (value === 'F' || value === 'false') return false
  return undefined
}

/** Returns the ASIM EventResult for a known outcome, or NA. */
export function resultOf(success: boolean | undefined): string {
  if (success === undefined) return 'NA'
  return success ? 'Success' : 'Failure'
}

function hostColumns(host: string | undefined): LogRow {
  if (host === undefined) return {}
  const { domain } = splitHostName(host)
  return domain === undefined
    ? { DstHostname: host }
    : { DstHostname: host, DstFQDN: host, DstDomain: domain }
}

/** Zeek conn: one connection summary per row in ASimNetworkSessionLogs. */
const conn = {
  table: 'ASimNetworkSessionLogs',
  constants: {
    ...PRODUCT,
    EventType: 'NetworkSession',
    EventSchemaVersion: '0.2.6',
    EventOriginalType: 'conn',
  },
  columns: [
    'TimeGenerated',
    'EventStartTime',
    'EventEndTime',
    'SrcIpAddr',
    'SrcPortNumber',
    'DstIpAddr',
    'DstPortNumber',
    'NetworkProtocol',
    'NetworkApplicationProtocol',
    'NetworkIcmpType',
    'NetworkIcmpCode',
    'NetworkSessionId',
    'SrcBytes',
    'DstBytes',
    'NetworkBytes',
    'SrcPackets',
    'DstPackets',
    'NetworkPackets',
    'NetworkConnectionHistory',
    'NetworkDirection',
    'EventResult',
    'EventResultDetails',
  ],
  row(record: ZeekRecord): LogRow {
    const start = record.time('ts')
    const duration = seconds(record, 'duration')
    const protocol = record.text('proto')?.toUpperCase()
    const icmp = protocol === 'ICMP' || protocol === 'ICMPV6'
    const srcBytes = integerOf(record.text('orig_bytes'))
    const dstBytes = integerOf(record.text('resp_bytes'))
    const srcPackets = integerOf(record.text('orig_pkts'))
    const dstPackets = integerOf(record.text('resp_pkts'))
    const state = record.text('conn_state')
    const localOrig = flag(record, 'local_orig')
    const localResp = flag(record, 'local_resp')
    return {
      TimeGenerated: start,
      EventStartTime: start,
      EventEndTime:
        start !== undefined && duration !== undefined
          ? start + duration
          : start,
      SrcIpAddr: ip(record, 'id.orig_h'),
      DstIpAddr: ip(record, 'id.resp_h'),
      // Zeek writes the ICMP type and code into the port fields.
      SrcPortNumber: icmp ? undefined : port(record, 'id.orig_p'),
      DstPortNumber: icmp ? undefined : port(record, 'id.resp_p'),
      NetworkIcmpType: icmp ? record.text('id.orig_p') : undefined,
      NetworkIcmpCode: icmp ? port(record, 'id.resp_p') : undefined,
      NetworkProtocol: protocol,
      NetworkApplicationProtocol: record.text('service')?.toUpperCase(),
      NetworkSessionId: record.text('uid'),
      SrcBytes: srcBytes,
      DstBytes: dstBytes,
      NetworkBytes: sumOf(srcBytes, dstBytes),
      SrcPackets: srcPackets,
      DstPackets: dstPackets,
      NetworkPackets: sumOf(srcPackets, dstPackets),
      NetworkConnectionHistory: record.text('history'),
      NetworkDirection:
        localOrig === undefined || localResp === undefined
          ? undefined
          : localOrig
            ? localResp
              ? 'Local'
              : 'Outbound'
            : localResp
              ? 'Inbound'
              : 'External',
      // REJ (rejected) and S0 (no reply) are failed attempts. In every other
      // state the responder replied.
      EventResult:
        state === undefined
          ? undefined
          : state === 'REJ' || state === 'S0'
            ? 'Failure'
            : 'Success',
      EventResultDetails: state,
    }
  },
}

function answerIps(answers: readonly string[]): string[] {
  return answers.filter(
    (a) =>
      /^[\d.]+$/.test(a) || (a.includes(':') && /^[0-9a-fA-F:.]+$/.test(a)),
  )
}

/** Zeek dns into DnsEvents (the Windows DNS table the hunts read). */
const dnsEvents = {
  table: 'DnsEvents',
  constants: { SubType: 'LookupQuery' },
  columns: [
    'TimeGenerated',
    'ClientIP',
    'Name',
    'QueryType',
    'IPAddresses',
    'ResultCode',
  ],
  row(record: ZeekRecord): LogRow {
    return {
      TimeGenerated: record.time('ts'),
      ClientIP: ip(record, 'id.orig_h'),
      Name: record.text('query'),
      QueryType: record.text('qtype_name'),
      IPAddresses:
        answerIps(record.list('answers')).map(canonicalIp).join(',') ||
        undefined,
      ResultCode: integerOf(record.text('rcode')),
    }
  },
}

/** Zeek dns into ASimDnsActivityLogs (behind `_Im_Dns`). */
const dnsActivity = {
  table: 'ASimDnsActivityLogs',
  constants: {
    ...PRODUCT,
    EventType: 'Query',
    EventSchemaVersion: '0.1.7',
    EventOriginalType: 'dns',
  },
  columns: [
    'TimeGenerated',
    'EventStartTime',
    'SrcIpAddr',
    'SrcPortNumber',
    'DstIpAddr',
    'DstPortNumber',
    'NetworkProtocol',
    'DnsQuery',
    'DnsQueryType',
    'DnsQueryTypeName',
    'DnsQueryClass',
    'DnsQueryClassName',
    'DnsResponseCode',
    'DnsResponseName',
    'EventResult',
    'EventResultDetails',
    'TransactionIdHex',
    'DnsFlagsAuthoritative',
    'DnsFlagsTruncated',
    'DnsFlagsRecursionDesired',
    'DnsFlagsRecursionAvailable',
    'DnsSessionId',
    'DnsNetworkDuration',
  ],
  row(record: ZeekRecord): LogRow {
    const time = record.time('ts')
    const rcode = integerOf(record.text('rcode'))
    const transaction = integerOf(record.text('trans_id'))
    const rtt = seconds(record, 'rtt')
    const answers = record.list('answers')
    return {
      TimeGenerated: time,
      EventStartTime: time,
      SrcIpAddr: ip(record, 'id.orig_h'),
      SrcPortNumber: port(record, 'id.orig_p'),
      DstIpAddr: ip(record, 'id.resp_h'),
      DstPortNumber: port(record, 'id.resp_p'),
      NetworkProtocol: record.text('proto')?.toUpperCase(),
      DnsQuery: record.text('query'),
      DnsQueryType: integerOf(record.text('qtype')),
      DnsQueryTypeName: record.text('qtype_name'),
      DnsQueryClass: integerOf(record.text('qclass')),
      DnsQueryClassName: record.text('qclass_name'),
      DnsResponseCode: rcode,
      DnsResponseName: answers.length ? answers.join(',') : undefined,
      EventResult: resultOf(rcode === undefined ? undefined : rcode === 0),
      EventResultDetails: record.text('rcode_name'),
      TransactionIdHex:
        transaction === undefined ? undefined : transaction.toString(16),
      DnsFlagsAuthoritative: flag(record, 'AA'),
      DnsFlagsTruncated: flag(record, 'TC'),
      DnsFlagsRecursionDesired: flag(record, 'RD'),
      DnsFlagsRecursionAvailable: flag(record, 'RA'),
      DnsSessionId: record.text('uid'),
      DnsNetworkDuration:
        rtt === undefined ? undefined : Math.round(rtt / 1000),
    }
  },
}

/**
 * Returns the URL of an HTTP request: the request target when it is
 * already absolute (proxy requests), else `http://host[:port]target`.
 */
export function httpUrl(
  host: string | undefined,
  target: string | undefined,
  port: number | undefined,
): string | undefined {
  if (target && /^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target
  if (!host) return target
  const portText =
    port === undefined || port === 80 || host.includes(':') ? '' : `:${port}`
  return `http://${host}${portText}${target ?? '/'}`
}

/** Zeek http into ASimWebSessionLogs (behind `_Im_WebSession`). */
const http = {
  table: 'ASimWebSessionLogs',
  constants: {
    ...PRODUCT,
    EventType: 'HTTPsession',
    EventSchema: 'WebSession',
    EventSchemaVersion: '0.2.6',
    EventOriginalType: 'http',
    NetworkApplicationProtocol: 'HTTP',
  },
  columns: [
    'TimeGenerated',
    'SrcIpAddr',
    'SrcPortNumber',
    'DstIpAddr',
    'DstPortNumber',
    'Url',
    'UrlOriginal',
    'HttpHost',
    'DstHostname',
    'DstFQDN',
    'DstDomain',
    'HttpRequestMethod',
    'HttpUserAgent',
    'HttpReferrer',
    'HttpVersion',
    'HttpContentType',
    'EventResult',
    'EventResultDetails',
    'SrcBytes',
    'DstBytes',
    'NetworkSessionId',
    'FileName',
  ],
  row(record: ZeekRecord): LogRow {
    const host = record.text('host')
    const target = record.text('uri')
    const dstPort = port(record, 'id.resp_p')
    const status = integerOf(record.text('status_code'))
    return {
      TimeGenerated: record.time('ts'),
      SrcIpAddr: ip(record, 'id.orig_h'),
      SrcPortNumber: port(record, 'id.orig_p'),
      DstIpAddr: ip(record, 'id.resp_h'),
      DstPortNumber: dstPort,
      Url: httpUrl(host, target, dstPort),
      UrlOriginal: target,
      HttpHost: host,
      ...hostColumns(host),
      HttpRequestMethod: record.text('method'),
      HttpUserAgent: record.text('user_agent'),
      HttpReferrer: record.text('referrer'),
      HttpVersion: record.text('version'),
      HttpContentType: record.list('resp_mime_types')[0],
      EventResult: resultOf(status === undefined ? undefined : status < 400),
      EventResultDetails: status === undefined ? undefined : String(status),
      SrcBytes: integerOf(record.text('request_body_len')),
      DstBytes: integerOf(record.text('response_body_len')),
      NetworkSessionId: record.text('uid'),
      FileName: record.list('resp_filenames')[0],
    }
  },
}

/**
 * Zeek ssl into ASimNetworkSessionLogs: a TLS session whose destination
 * host name is the SNI, so host-name hunts over `_Im_NetworkSession`
 * (DstHostname, DstFQDN) see encrypted traffic too.
 */
const ssl = {
  table: 'ASimNetworkSessionLogs',
  constants: {
    ...PRODUCT,
    EventType: 'NetworkSession',
    EventSchemaVersion: '0.2.6',
    EventOriginalType: 'ssl',
    NetworkProtocol: 'TCP',
    NetworkApplicationProtocol: 'TLS',
  },
  columns: [
    'TimeGenerated',
    'SrcIpAddr',
    'SrcPortNumber',
    'DstIpAddr',
    'DstPortNumber',
    'DstHostname',
    'DstFQDN',
    'DstDomain',
    'NetworkProtocolVersion',
    'NetworkSessionId',
    'EventResult',
  ],
  row(record: ZeekRecord): LogRow {
    const established = flag(record, 'established')
    return {
      TimeGenerated: record.time('ts'),
      SrcIpAddr: ip(record, 'id.orig_h'),
      SrcPortNumber: port(record, 'id.orig_p'),
      DstIpAddr: ip(record, 'id.resp_h'),
      DstPortNumber: port(record, 'id.resp_p'),
      ...hostColumns(record.text('server_name')),
      NetworkProtocolVersion: record.text('version'),
      NetworkSessionId: record.text('uid'),
      EventResult:
        established === undefined
          ? undefined
          : established
            ? 'Success'
            : 'Failure',
    }
  },
}

interface ZeekMapping {
  readonly table: string
  readonly constants: Readonly<Record<string, CellValue>>
  readonly columns: readonly string[]
  row(record: ZeekRecord): LogRow
}

/** Table mappings of each Zeek log path. */
export const ZEEK_MAPPINGS: Readonly<Record<ZeekPath, readonly ZeekMapping[]>> =
  {
    conn: [conn],
    dns: [dnsEvents, dnsActivity],
    http: [http],
    ssl: [ssl],
  }

function zeekTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  return parseEpochTimestamp(value) ?? parseIsoTimestamp(value)
}

/**
 * A TSV line as a ZeekRecord, reused for every line of a file. Fields are
 * located by offset and copied only when a mapping reads them. That costs
 * less than splitting the line, because the mappings read only some fields
 * and most of those are short or unset.
 */
class TsvRecord implements ZeekRecord {
  private line = ''
  private fieldCount = 0
  // Start and end offsets in `line` of the first `fieldCount` fields.
  private readonly starts: number[] = []
  private readonly ends: number[] = []
  // Whether the line contains a \x escape. Few lines do, so the others skip
  // the search per field.
  private escaped = false
  // The last time read from this line, because the reader checks `ts`
  // before the mappings read it again.
  private timeField: string | undefined
  private timeValue: number | undefined
  index = new Map<string, number>()
  setSeparator = ','
  unset = '-'
  empty = '(empty)'

  /**
   * Makes `line` the current record and returns its number of fields, as
   * `line.split(separator).length` counts them. Offsets are kept for the
   * first `maxFields` fields only.
   */
  setLine(line: string, separator: string, maxFields: number): number {
    this.line = line
    this.escaped = line.includes('\\x')
    this.timeField = undefined
    if (separator === '') {
      // split('') makes each UTF-16 code unit a field.
      for (let i = 0; i < Math.min(line.length, maxFields); i++) {
        this.starts[i] = i
        this.ends[i] = i + 1
      }
      this.fieldCount = Math.min(line.length, maxFields)
      return line.length
    }
    let count = 0
    let start = 0
    for (;;) {
      const next = line.indexOf(separator, start)
      if (count < maxFields) {
        this.starts[count] = start
        this.ends[count] = next < 0 ? line.length : next
      }
      count++
      if (next < 0) break
      start = next + separator.length
    }
    this.fieldCount = Math.min(count, maxFields)
    return count
  }

  text(field: string): string | undefined {
    const i = this.index.get(field)
    if (i === undefined || i >= this.fieldCount) return undefined
    const start = this.starts[i]!
    const end = this.ends[i]!
    if (this.fieldEquals(start, end, this.unset)) return undefined
    if (this.fieldEquals(start, end, this.empty)) return ''
    const value = this.line.slice(start, end)
    // Zeek writes separators and non-printable bytes as \xNN.
    return this.escaped && value.includes('\\x')
      ? value.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) =>
          String.fromCharCode(parseInt(h, 16)),
        )
      : value
  }

  private fieldEquals(start: number, end: number, text: string): boolean {
    return end - start === text.length && this.line.startsWith(text, start)
  }

  list(field: string): string[] {
    const value = this.text(field)
    return value === undefined || value === ''
      ? []
      : value.split(this.setSeparator)
  }

  time(field: string): number | undefined {
    if (field !== this.timeField) {
      this.timeField = field
      this.timeValue = zeekTime(this.text(field))
    }
    return this.timeValue
  }
}

/** A JSON object as a ZeekRecord. */
class JsonZeekRecord implements ZeekRecord {
  constructor(private readonly record: JsonObject) {}

  private value(field: string): unknown {
    if (field in this.record) return this.record[field]
    // Some writers nest the connection tuple: {"id": {"orig_h": ...}}.
    const dot = field.indexOf('.')
    if (dot < 0) return undefined
    const parent = this.record[field.slice(0, dot)]
    return typeof parent === 'object' && parent !== null
      ? (parent as JsonObject)[field.slice(dot + 1)]
      : undefined
  }

  text(field: string): string | undefined {
    const value = this.value(field)
    if (value === undefined || value === null) return undefined
    if (typeof value === 'boolean') return value ? 'T' : 'F'
    if (Array.isArray(value)) return value.join(',')
    return String(value)
  }

  list(field: string): string[] {
    const value = this.value(field)
    if (Array.isArray(value)) return value.map(String)
    return value === undefined || value === null ? [] : [String(value)]
  }

  time(field: string): number | undefined {
    const value = this.value(field)
    if (typeof value === 'number') return Math.round(value * 1e6)
    return typeof value === 'string' ? zeekTime(value) : undefined
  }
}

function openOutputs(
  context: ReaderContext,
  path: ZeekPath,
): Array<[ZeekMapping, TableOutput]> {
  return ZEEK_MAPPINGS[path].map((m) => [
    m,
    context.sink.table(m.table, m.columns, m.constants),
  ])
}

/** Reads a Zeek TSV log (`#separator`, `#fields` and `#path` header lines). */
export function createZeekTsvReader(context: ReaderContext): LogReader {
  const record = new TsvRecord()
  let separator = '\t'
  let fieldCount = 0
  let outputs: Array<[ZeekMapping, TableOutput]> | undefined
  return {
    line(text, lineNumber) {
      if (text.startsWith('#')) {
        const [key, ...rest] = text.split(key0Separator(text, separator))
        const value = rest.join(separator)
        if (key === '#separator')
          separator = value.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) =>
            String.fromCharCode(parseInt(h, 16)),
          )
        else if (key === '#set_separator') record.setSeparator = value
        else if (key === '#unset_field') record.unset = value
        else if (key === '#empty_field') record.empty = value
        else if (key === '#fields') {
          record.index = new Map(rest.map((name, i) => [name, i]))
          fieldCount = rest.length
        } else if (key === '#path' && value !== context.format.zeekPath) {
          context.sink.notice(
            `#path ${value} at line ${lineNumber} differs from the first #path; rows are still read as ${context.format.zeekPath}`,
          )
        }
        outputs ??= openOutputs(context, context.format.zeekPath!)
        return
      }
      if (text === '') return
      if (fieldCount === 0) {
        context.sink.unparsed(
          lineNumber,
          'a Zeek record before the #fields header line',
        )
        return
      }
      const found = record.setLine(text, separator, fieldCount)
      if (found !== fieldCount) {
        context.sink.unparsed(
          lineNumber,
          `expected ${fieldCount} tab-separated Zeek fields, found ${found}`,
        )
        return
      }
      const time = record.time('ts')
      if (time === undefined) {
        context.sink.unparsed(
          lineNumber,
          `invalid Zeek ts ${JSON.stringify(record.text('ts') ?? '')}`,
        )
        return
      }
      for (let i = 0; i < outputs!.length; i++) {
        const [mapping, output] = outputs![i]!
        output.write(mapping.row(record), lineNumber)
      }
    },
    end() {},
  }
}

// Header lines use the separator after the key, except `#separator`, whose
// value is written with a space because the separator is not known yet.
function key0Separator(text: string, separator: string): string {
  return text.startsWith('#separator ') ? ' ' : separator
}

/** Reads a Zeek JSON log; `_path`, when present, picks each record's mapping. */
export function createZeekJsonReader(context: ReaderContext): LogReader {
  const outputs = new Map<ZeekPath, Array<[ZeekMapping, TableOutput]>>()
  const json = new JsonRecordAssembler(
    (object, line) => {
      const path = (
        typeof object['_path'] === 'string'
          ? object['_path']
          : context.format.zeekPath
      ) as ZeekPath
      if (!(path in ZEEK_MAPPINGS)) {
        context.sink.skipped(line, `Zeek log path ${path} has no table mapping`)
        return
      }
      const record = new JsonZeekRecord(object)
      if (record.time('ts') === undefined) {
        context.sink.unparsed(
          line,
          `invalid Zeek ts ${JSON.stringify(object['ts'] ?? null)}`,
        )
        return
      }
      let pathOutputs = outputs.get(path)
      if (!pathOutputs) {
        pathOutputs = openOutputs(context, path)
        outputs.set(path, pathOutputs)
      }
      for (const [mapping, output] of pathOutputs)
        output.write(mapping.row(record), line)
    },
    (line, reason) => context.sink.unparsed(line, reason),
  )
  return { line: (text, n) => json.line(text, n), end: () => json.end() }
}
