import { canonicalIp } from '../ip-address.ts'
import { JsonRecordAssembler, type JsonObject } from '../json-records.ts'
import type { CellValue, LogReader, LogRow, TableOutput } from '../log-row.ts'
import { parseIsoTimestamp } from '../timestamps.ts'
import { integerOf, present, splitHostName, sumOf } from './field-values.ts'
import type { ReaderContext } from './reader-context.ts'
import { httpUrl, resultOf } from './zeek-reader.ts'

const PRODUCT = { EventProduct: 'Suricata', EventVendor: 'OISF', EventCount: 1 }

function object(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : {}
}

// The last timestamp text read and its value, because each event's
// timestamp is read two or three times (the check, TimeGenerated, and
// EventStartTime of alerts).
let lastTimeText: string | undefined
let lastTimeValue: number | undefined

function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  if (value !== lastTimeText) {
    lastTimeText = value
    lastTimeValue = parseIsoTimestamp(value)
  }
  return lastTimeValue
}

function ip(value: unknown): string | undefined {
  const text = present(value)
  return text === undefined ? undefined : canonicalIp(text)
}

function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined
}

function hostColumns(host: string | undefined): LogRow {
  if (host === undefined) return {}
  const { domain } = splitHostName(host)
  return domain === undefined
    ? { DstHostname: host }
    : { DstHostname: host, DstFQDN: host, DstDomain: domain }
}

/** Returns the 5-tuple columns of an event, swapping source and destination when asked. */
function endpoints(event: JsonObject, swap = false): LogRow {
  const src = { ip: ip(event['src_ip']), port: integerOf(event['src_port']) }
  const dst = { ip: ip(event['dest_ip']), port: integerOf(event['dest_port']) }
  const [from, to] = swap ? [dst, src] : [src, dst]
  return {
    SrcIpAddr: from.ip,
    SrcPortNumber: from.port,
    DstIpAddr: to.ip,
    DstPortNumber: to.port,
  }
}

function protocol(event: JsonObject): string | undefined {
  return present(event['proto'])?.toUpperCase()
}

function applicationProtocol(event: JsonObject): string | undefined {
  const value = present(event['app_proto'])
  return value === undefined || value === 'failed'
    ? undefined
    : value.toUpperCase()
}

const SESSION_COLUMNS = [
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
  'DvcHostname',
  'DvcInterface',
]

function sessionColumns(event: JsonObject): LogRow {
  const icmpType = event['icmp_type']
  return {
    TimeGenerated: time(event['timestamp']),
    ...endpoints(event),
    NetworkProtocol: protocol(event),
    NetworkApplicationProtocol: applicationProtocol(event),
    NetworkIcmpType: icmpType === undefined ? undefined : String(icmpType),
    NetworkIcmpCode: integerOf(event['icmp_code']),
    NetworkSessionId: present(event['flow_id']),
    DvcHostname: present(event['host']),
    DvcInterface: present(event['in_iface']),
  }
}

const flow = {
  table: 'ASimNetworkSessionLogs',
  constants: {
    ...PRODUCT,
    EventType: 'Flow',
    EventSchemaVersion: '0.2.6',
    EventOriginalType: 'flow',
  },
  columns: [
    ...SESSION_COLUMNS,
    'SrcBytes',
    'DstBytes',
    'NetworkBytes',
    'SrcPackets',
    'DstPackets',
    'NetworkPackets',
    'EventResultDetails',
    'TcpFlagsSyn',
    'TcpFlagsAck',
    'TcpFlagsFin',
    'TcpFlagsRst',
    'TcpFlagsPsh',
    'TcpFlagsUrg',
  ],
  row(event: JsonObject): LogRow {
    const details = object(event['flow'])
    const tcp = object(event['tcp'])
    const srcBytes = integerOf(details['bytes_toserver'])
    const dstBytes = integerOf(details['bytes_toclient'])
    const srcPackets = integerOf(details['pkts_toserver'])
    const dstPackets = integerOf(details['pkts_toclient'])
    // Object.assign rather than a leading spread, which V8 (Node.js 20)
    // runs about ten times slower when more properties follow it.
    return Object.assign(sessionColumns(event), {
      EventStartTime: time(details['start']),
      EventEndTime: time(details['end']),
      SrcBytes: srcBytes,
      DstBytes: dstBytes,
      NetworkBytes: sumOf(srcBytes, dstBytes),
      SrcPackets: srcPackets,
      DstPackets: dstPackets,
      NetworkPackets: sumOf(srcPackets, dstPackets),
      EventResultDetails: present(details['reason']),
      TcpFlagsSyn: bool(tcp['syn']),
      TcpFlagsAck: bool(tcp['ack']),
      TcpFlagsFin: bool(tcp['fin']),
      TcpFlagsRst: bool(tcp['rst']),
      TcpFlagsPsh: bool(tcp['psh']),
      TcpFlagsUrg: bool(tcp['urg']),
    })
  },
}

// Suricata severity 1 is the most severe.
const SEVERITIES: Record<string, string> = {
  '1': 'High',
  '2': 'Medium',
  '3': 'Low',
}
const ACTIONS: Record<string, string> = { allowed: 'Allow', blocked: 'Deny' }

const alert = {
  table: 'ASimNetworkSessionLogs',
  constants: {
    ...PRODUCT,
    EventType: 'IDS',
    EventSchemaVersion: '0.2.6',
    EventOriginalType: 'alert',
  },
  columns: [
    ...SESSION_COLUMNS,
    'ThreatId',
    'ThreatName',
    'ThreatCategory',
    'NetworkRuleName',
    'NetworkRuleNumber',
    'DvcAction',
    'DvcOriginalAction',
    'EventSeverity',
    'EventOriginalSeverity',
    'EventMessage',
  ],
  row(event: JsonObject): LogRow {
    const details = object(event['alert'])
    const severity = present(details['severity'])
    const action = present(details['action'])
    const signature = present(details['signature'])
    return Object.assign(sessionColumns(event), {
      EventStartTime: time(event['timestamp']),
      ThreatId: present(details['signature_id']),
      ThreatName: signature,
      ThreatCategory: present(details['category']),
      NetworkRuleName: signature,
      NetworkRuleNumber: integerOf(details['signature_id']),
      DvcAction: action === undefined ? undefined : ACTIONS[action],
      DvcOriginalAction: action,
      EventSeverity: severity === undefined ? undefined : SEVERITIES[severity],
      EventOriginalSeverity: severity,
      EventMessage: signature,
    })
  },
}

const tls = {
  table: 'ASimNetworkSessionLogs',
  constants: {
    ...PRODUCT,
    EventType: 'NetworkSession',
    EventSchemaVersion: '0.2.6',
    EventOriginalType: 'tls',
    NetworkApplicationProtocol: 'TLS',
  },
  columns: [
    'TimeGenerated',
    'SrcIpAddr',
    'SrcPortNumber',
    'DstIpAddr',
    'DstPortNumber',
    'NetworkProtocol',
    'NetworkSessionId',
    'DvcHostname',
    'DvcInterface',
    'DstHostname',
    'DstFQDN',
    'DstDomain',
    'NetworkProtocolVersion',
  ],
  row(event: JsonObject): LogRow {
    const details = object(event['tls'])
    return {
      TimeGenerated: time(event['timestamp']),
      ...endpoints(event),
      NetworkProtocol: protocol(event),
      NetworkSessionId: present(event['flow_id']),
      DvcHostname: present(event['host']),
      DvcInterface: present(event['in_iface']),
      ...hostColumns(present(details['sni'])),
      NetworkProtocolVersion: present(details['version']),
    }
  },
}

// DNS response codes (RFC 1035, RFC 2136) and query types (RFC 1035,
// RFC 3596, RFC 2782) that Suricata writes by name.
const RCODES: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
}
const QTYPES: Record<string, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DS: 43,
  RRSIG: 46,
  DNSKEY: 48,
  HTTPS: 65,
  SVCB: 64,
  ANY: 255,
}
const DNS_PORTS = new Set([53, 5353, 5355])

interface DnsFacts {
  query?: string
  type?: string
  rcode?: string
  answers: string[]
  addresses: string[]
  client: LogRow
  transaction?: number
  flags: JsonObject
  isAnswer: boolean
}

/**
 * Reads the dns object of eve versions 1 and 2 (`type` query/answer) and 3
 * (`queries`/`answers` arrays). The client is the side whose port is not a
 * DNS port, because Suricata writes some answers with the server as source.
 */
function dnsFacts(event: JsonObject): DnsFacts {
  const dns = object(event['dns'])
  const firstQuery = Array.isArray(dns['queries'])
    ? object(dns['queries'][0])
    : {}
  const answers: string[] = []
  const addresses: string[] = []
  const addAnswer = (type: unknown, data: unknown) => {
    const text = present(data)
    if (text === undefined) return
    answers.push(text)
    if (type === 'A' || type === 'AAAA') addresses.push(canonicalIp(text))
  }
  if (Array.isArray(dns['answers'])) {
    for (const answer of dns['answers'])
      addAnswer(object(answer)['rrtype'], object(answer)['rdata'])
  } else if (dns['rdata'] !== undefined) {
    addAnswer(dns['rrtype'], dns['rdata'])
  }
  if (answers.length === 0 && dns['grouped']) {
    for (const [type, values] of Object.entries(object(dns['grouped']))) {
      if (Array.isArray(values))
        for (const value of values) addAnswer(type, value)
    }
  }
  const srcPort = integerOf(event['src_port'])
  const dstPort = integerOf(event['dest_port'])
  const swap =
    srcPort !== undefined &&
    DNS_PORTS.has(srcPort) &&
    !(dstPort !== undefined && DNS_PORTS.has(dstPort))
  const type = present(dns['type'])
  return {
    query: present(dns['rrname'] ?? firstQuery['rrname']),
    type: present(dns['rrtype'] ?? firstQuery['rrtype']),
    rcode: present(dns['rcode']),
    answers,
    addresses,
    client: endpoints(event, swap),
    transaction: integerOf(dns['id']),
    flags: dns,
    isAnswer:
      type === 'answer' || type === 'response' || dns['rcode'] !== undefined,
  }
}

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
  row(event: JsonObject, facts: DnsFacts): LogRow {
    return {
      TimeGenerated: time(event['timestamp']),
      ClientIP: facts.client['SrcIpAddr'],
      Name: facts.query,
      QueryType: facts.type,
      IPAddresses: facts.addresses.join(',') || undefined,
      ResultCode:
        facts.rcode === undefined
          ? undefined
          : RCODES[facts.rcode.toUpperCase()],
    }
  },
}

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
    'DvcHostname',
  ],
  row(event: JsonObject, facts: DnsFacts): LogRow {
    const timestamp = time(event['timestamp'])
    const rcode = facts.rcode?.toUpperCase()
    return {
      TimeGenerated: timestamp,
      EventStartTime: timestamp,
      ...facts.client,
      NetworkProtocol: protocol(event),
      DnsQuery: facts.query,
      DnsQueryType: facts.type === undefined ? undefined : QTYPES[facts.type],
      DnsQueryTypeName: facts.type,
      DnsResponseCode: rcode === undefined ? undefined : RCODES[rcode],
      DnsResponseName: facts.answers.join(',') || undefined,
      EventResult:
        !facts.isAnswer || rcode === undefined
          ? 'NA'
          : rcode === 'NOERROR'
            ? 'Success'
            : 'Failure',
      EventResultDetails: rcode,
      TransactionIdHex: facts.transaction?.toString(16),
      DnsFlagsAuthoritative: bool(facts.flags['aa']),
      DnsFlagsTruncated: bool(facts.flags['tc']),
      DnsFlagsRecursionDesired: bool(facts.flags['rd']),
      DnsFlagsRecursionAvailable: bool(facts.flags['ra']),
      DnsSessionId: present(event['flow_id']),
      DvcHostname: present(event['host']),
    }
  },
}

const WEB_COLUMNS = [
  'TimeGenerated',
  'SrcIpAddr',
  'SrcPortNumber',
  'DstIpAddr',
  'DstPortNumber',
  'NetworkProtocol',
  'NetworkSessionId',
  'DvcHostname',
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
  'DstBytes',
]

function webColumns(event: JsonObject, swap: boolean): LogRow {
  const details = object(event['http'])
  const host = present(details['hostname'])
  const target = present(details['url'])
  const tuple = endpoints(event, swap)
  const status = integerOf(details['status'])
  const version = present(details['protocol'])
  return {
    TimeGenerated: time(event['timestamp']),
    ...tuple,
    NetworkProtocol: protocol(event),
    NetworkSessionId: present(event['flow_id']),
    DvcHostname: present(event['host']),
    Url: httpUrl(host, target, tuple['DstPortNumber'] as number | undefined),
    UrlOriginal: target,
    HttpHost: host,
    ...hostColumns(host),
    HttpRequestMethod: present(details['http_method']),
    HttpUserAgent: present(details['http_user_agent']),
    HttpReferrer: present(details['http_refer']),
    HttpVersion: version?.replace(/^HTTP\//, ''),
    HttpContentType: present(details['http_content_type']),
    EventResult: resultOf(status === undefined ? undefined : status < 400),
    EventResultDetails: status === undefined ? undefined : String(status),
    DstBytes: integerOf(details['length']),
  }
}

const WEB_CONSTANTS = {
  ...PRODUCT,
  EventType: 'HTTPsession',
  EventSchema: 'WebSession',
  EventSchemaVersion: '0.2.6',
  NetworkApplicationProtocol: 'HTTP',
}

const http = {
  table: 'ASimWebSessionLogs',
  constants: { ...WEB_CONSTANTS, EventOriginalType: 'http' },
  columns: WEB_COLUMNS,
  row: (event: JsonObject): LogRow => webColumns(event, false),
}

const fileinfo = {
  table: 'ASimWebSessionLogs',
  constants: { ...WEB_CONSTANTS, EventOriginalType: 'fileinfo' },
  columns: [
    ...WEB_COLUMNS,
    'FileName',
    'FileMD5',
    'FileSHA1',
    'FileSHA256',
    'FileSize',
  ],
  row(event: JsonObject): LogRow {
    const file = object(event['fileinfo'])
    // fileinfo follows the file's direction, so a download names the server
    // as source; the server is taken to be the side with the lower port.
    const srcPort = integerOf(event['src_port'])
    const dstPort = integerOf(event['dest_port'])
    const swap =
      srcPort !== undefined && dstPort !== undefined && srcPort < dstPort
    const name = present(file['filename'])
    return Object.assign(webColumns(event, swap), {
      FileName: name?.slice(name.lastIndexOf('/') + 1) || name,
      FileMD5: present(file['md5']),
      FileSHA1: present(file['sha1']),
      FileSHA256: present(file['sha256']),
      FileSize: integerOf(file['size']),
    })
  },
}

interface EveMapping {
  readonly table: string
  readonly constants: Readonly<Record<string, CellValue>>
  readonly columns: readonly string[]
}

/** Table mappings of each mapped eve event_type. */
export const EVE_MAPPINGS = {
  flow,
  alert,
  tls,
  http,
  fileinfo,
  dns: [dnsEvents, dnsActivity],
}

/** Reads Suricata eve.json; event types without a mapping are counted as skipped. */
export function createSuricataEveReader(context: ReaderContext): LogReader {
  const outputs = new Map<EveMapping, TableOutput>()
  const output = (mapping: EveMapping) => {
    let found = outputs.get(mapping)
    if (!found) {
      found = context.sink.table(
        mapping.table,
        mapping.columns,
        mapping.constants,
      )
      outputs.set(mapping, found)
    }
    return found
  }
  const json = new JsonRecordAssembler(
    (event, line) => {
      const type = present(event['event_type'])
      if (time(event['timestamp']) === undefined) {
        context.sink.unparsed(
          line,
          `invalid eve timestamp ${JSON.stringify(event['timestamp'] ?? null)}`,
        )
        return
      }
      switch (type) {
        case 'flow':
        case 'alert':
        case 'tls':
        case 'http':
        case 'fileinfo': {
          const mapping = EVE_MAPPINGS[type]
          output(mapping).write(mapping.row(event), line)
          return
        }
        case 'dns': {
          const facts = dnsFacts(event)
          output(dnsEvents).write(dnsEvents.row(event, facts), line)
          output(dnsActivity).write(dnsActivity.row(event, facts), line)
          return
        }
        default:
          context.sink.skipped(
            line,
            `Suricata event_type ${type ?? '(missing)'} has no table mapping`,
          )
      }
    },
    (line, reason) => context.sink.unparsed(line, reason),
  )
  return { line: (text, n) => json.line(text, n), end: () => json.end() }
}
