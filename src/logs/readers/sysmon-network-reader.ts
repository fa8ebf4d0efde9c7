import { canonicalIp, ipAddressType, isGroupAddress } from '../ip-address.ts'
import { JsonRecordAssembler, type JsonObject } from '../json-records.ts'
import type { LogReader, LogRow } from '../log-row.ts'
import { parseIsoTimestamp } from '../timestamps.ts'
import {
  integerOf,
  pathFileName,
  present,
  splitAccount,
  splitHostName,
} from './field-values.ts'
import type { ReaderContext } from './reader-context.ts'

/** Returns the event fields of a Sysmon record, flat (NXLog) or nested (Winlogbeat, EventData). */
function eventFields(record: JsonObject): JsonObject {
  const winlog = record['winlog'] as JsonObject | undefined
  const nested =
    winlog?.['event_data'] ?? record['EventData'] ?? record['event_data']
  return typeof nested === 'object' && nested !== null
    ? { ...record, ...(nested as JsonObject) }
    : record
}

function eventId(record: JsonObject): string | undefined {
  const winlog = record['winlog'] as JsonObject | undefined
  return present(record['EventID'] ?? record['EventId'] ?? winlog?.['event_id'])
}

function hostName(record: JsonObject): string | undefined {
  const winlog = record['winlog'] as JsonObject | undefined
  const host = record['host'] as JsonObject | string | undefined
  return present(
    record['Hostname'] ??
      record['Computer'] ??
      winlog?.['computer_name'] ??
      (typeof host === 'object' ? host?.['name'] : undefined),
  )
}

/** Event time: Sysmon's UtcTime (UTC without offset), else the collector's time. */
function eventTime(fields: JsonObject): number | undefined {
  for (const key of ['UtcTime', '@timestamp', 'TimeCreated']) {
    const value = present(fields[key])
    const micros = value === undefined ? undefined : parseIsoTimestamp(value)
    if (micros !== undefined) return micros
  }
  return undefined
}

interface Endpoint {
  ip?: string
  port?: number
  host?: string
}

/**
 * Picks the local and remote ends for DeviceNetworkEvents. Sysmon names the
 * initiator Source for TCP, so an inbound TCP connection (Initiated false)
 * is local at Destination. For inbound UDP Sysmon writes the local socket
 * as Source (DNS and NTP servers answering), unless Source is a multicast
 * or broadcast group, which is never local.
 */
export function localAndRemote(
  initiated: boolean,
  protocol: string | undefined,
  source: Endpoint,
  destination: Endpoint,
): { local: Endpoint; remote: Endpoint } {
  if (initiated) return { local: source, remote: destination }
  const sourceIsLocal =
    protocol === 'udp' && !(source.ip && isGroupAddress(source.ip))
  return sourceIsLocal
    ? { local: source, remote: destination }
    : { local: destination, remote: source }
}

function capitalised(text: string | undefined): string | undefined {
  return text === undefined
    ? undefined
    : text.charAt(0).toUpperCase() + text.slice(1).toLowerCase()
}

const SESSION = {
  table: 'ASimNetworkSessionLogs',
  constants: {
    EventProduct: 'Sysmon',
    EventVendor: 'Microsoft',
    EventType: 'EndpointNetworkSession',
    EventSchemaVersion: '0.2.6',
    EventOriginalType: '3',
    EventCount: 1,
    EventResult: 'Success',
  },
  columns: [
    'TimeGenerated',
    'EventStartTime',
    'SrcIpAddr',
    'SrcPortNumber',
    'SrcHostname',
    'DstIpAddr',
    'DstPortNumber',
    'DstHostname',
    'DstFQDN',
    'DstDomain',
    'NetworkProtocol',
    'NetworkDirection',
    'Dvc',
    'DvcHostname',
    'DvcFQDN',
    'DvcDomain',
    'SrcAppName',
    'SrcAppType',
    'SrcUsername',
    'DstAppName',
    'DstAppType',
    'DstUsername',
    'EventOriginalUid',
  ],
}

const DEVICE_NETWORK = {
  table: 'DeviceNetworkEvents',
  columns: [
    'TimeGenerated',
    'Timestamp',
    'DeviceName',
    'ActionType',
    'LocalIP',
    'LocalPort',
    'LocalIPType',
    'RemoteIP',
    'RemotePort',
    'RemoteIPType',
    'RemoteUrl',
    'Protocol',
    'InitiatingProcessFileName',
    'InitiatingProcessFolderPath',
    'InitiatingProcessId',
    'InitiatingProcessAccountDomain',
    'InitiatingProcessAccountName',
  ],
}

/** Converts one Sysmon event ID 3 record into its two rows. */
export function sysmonNetworkRows(
  record: JsonObject,
): { session: LogRow; device: LogRow } | string {
  const fields = eventFields(record)
  const time = eventTime(fields)
  if (time === undefined)
    return 'no readable UtcTime, @timestamp or TimeCreated'
  const initiated = String(fields['Initiated']).toLowerCase() === 'true'
  const protocol = present(fields['Protocol'])?.toLowerCase()
  const source: Endpoint = {
    ip:
      present(fields['SourceIp']) && canonicalIp(present(fields['SourceIp'])!),
    port: integerOf(fields['SourcePort']),
    host: present(fields['SourceHostname']),
  }
  const destination: Endpoint = {
    ip:
      present(fields['DestinationIp']) &&
      canonicalIp(present(fields['DestinationIp'])!),
    port: integerOf(fields['DestinationPort']),
    host: present(fields['DestinationHostname']),
  }
  const image = present(fields['Image'])
  const user = present(fields['User'])
  const device = hostName(record)
  const deviceParts = device === undefined ? undefined : splitHostName(device)
  const destinationParts =
    destination.host === undefined ? undefined : splitHostName(destination.host)
  const session: LogRow = {
    TimeGenerated: time,
    EventStartTime: time,
    SrcIpAddr: source.ip,
    SrcPortNumber: source.port,
    SrcHostname: source.host,
    DstIpAddr: destination.ip,
    DstPortNumber: destination.port,
    DstHostname: destination.host,
    DstFQDN:
      destinationParts?.domain === undefined ? undefined : destination.host,
    DstDomain: destinationParts?.domain,
    NetworkProtocol: protocol?.toUpperCase(),
    NetworkDirection: initiated ? 'Outbound' : 'Inbound',
    Dvc: device,
    DvcHostname: deviceParts?.hostname,
    DvcFQDN: deviceParts?.domain === undefined ? undefined : device,
    DvcDomain: deviceParts?.domain,
    // The process is the application at the local end of the connection.
    SrcAppName: initiated ? image : undefined,
    SrcAppType: initiated && image ? 'Process' : undefined,
    SrcUsername: initiated ? user : undefined,
    DstAppName: initiated ? undefined : image,
    DstAppType: !initiated && image ? 'Process' : undefined,
    DstUsername: initiated ? undefined : user,
    EventOriginalUid: present(
      fields['RecordNumber'] ?? fields['EventRecordID'],
    ),
  }
  const { local, remote } = localAndRemote(
    initiated,
    protocol,
    source,
    destination,
  )
  const account = user === undefined ? undefined : splitAccount(user)
  const deviceRow: LogRow = {
    TimeGenerated: time,
    Timestamp: time,
    DeviceName: device,
    // Defender's ActionType values for an outbound and an accepted connection.
    ActionType: initiated ? 'ConnectionSuccess' : 'InboundConnectionAccepted',
    LocalIP: local.ip,
    LocalPort: local.port,
    LocalIPType: local.ip === undefined ? undefined : ipAddressType(local.ip),
    RemoteIP: remote.ip,
    RemotePort: remote.port,
    RemoteIPType:
      remote.ip === undefined ? undefined : ipAddressType(remote.ip),
    RemoteUrl: initiated ? destination.host : undefined,
    Protocol: capitalised(protocol),
    InitiatingProcessFileName:
      image === undefined ? undefined : pathFileName(image),
    // Defender's folder path includes the file name, as Sysmon's Image does.
    InitiatingProcessFolderPath: image,
    InitiatingProcessId: integerOf(fields['ProcessId'] ?? fields['ProcessID']),
    InitiatingProcessAccountDomain: account?.domain,
    InitiatingProcessAccountName: account?.name,
  }
  return { session, device: deviceRow }
}

/**
 * Reads Sysmon network connection events (event ID 3) exported as JSON
 * into ASimNetworkSessionLogs and DeviceNetworkEvents. Other event IDs are
 * counted as skipped.
 */
export function createSysmonNetworkReader(context: ReaderContext): LogReader {
  const session = context.sink.table(
    SESSION.table,
    SESSION.columns,
    SESSION.constants,
  )
  const device = context.sink.table(
    DEVICE_NETWORK.table,
    DEVICE_NETWORK.columns,
  )
  const json = new JsonRecordAssembler(
    (record, line) => {
      const id = eventId(record)
      if (id !== '3') {
        context.sink.skipped(
          line,
          `Sysmon event ID ${id ?? '(missing)'} is not a network connection (3)`,
        )
        return
      }
      const rows = sysmonNetworkRows(record)
      if (typeof rows === 'string') {
        context.sink.unparsed(line, rows)
        return
      }
      session.write(rows.session, line)
      device.write(rows.device, line)
    },
    (line, reason) => context.sink.unparsed(line, reason),
  )
  return { line: (text, n) => json.line(text, n), end: () => json.end() }
}
