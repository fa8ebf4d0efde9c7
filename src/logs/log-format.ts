/** Log formats that the readers understand, named by content. */
export type LogFormat =
  | 'commonsecuritylog-csv'
  | 'commonsecuritylog-json'
  | 'cef'
  | 'fortigate-kv'
  | 'pan-os-csv'
  | 'defender-csv'
  | 'defender-json'
  | 'zeek-tsv'
  | 'zeek-json'
  | 'suricata-eve'
  | 'sysmon-json'
  | 'empty'

/** Zeek log paths that have a table mapping. */
export type ZeekPath = 'conn' | 'dns' | 'http' | 'ssl'

export const ZEEK_PATHS: readonly ZeekPath[] = ['conn', 'dns', 'http', 'ssl']

/** The format of one file, as detected from its first records. */
export interface DetectedLogFormat {
  readonly format: LogFormat
  /** The Zeek log path for `zeek-tsv` and `zeek-json`. */
  readonly zeekPath?: ZeekPath
}

/** Every supported format with a one-line description for messages. */
export const SUPPORTED_LOG_FORMATS: ReadonlyArray<{
  readonly format: Exclude<LogFormat, 'empty'>
  readonly description: string
}> = [
  {
    format: 'commonsecuritylog-csv',
    description:
      'CommonSecurityLog CSV export (header with DeviceVendor, DeviceProduct)',
  },
  {
    format: 'commonsecuritylog-json',
    description: 'CommonSecurityLog JSON export (array or JSON lines)',
  },
  { format: 'cef', description: 'CEF syslog lines ("CEF:0|...")' },
  { format: 'fortigate-kv', description: 'FortiGate key=value syslog' },
  { format: 'pan-os-csv', description: 'PAN-OS CSV syslog (TRAFFIC, THREAT)' },
  {
    format: 'defender-csv',
    description:
      'Defender advanced hunting CSV export (Timestamp, DeviceName, ActionType)',
  },
  {
    format: 'defender-json',
    description: 'Defender advanced hunting JSON export (array or JSON lines)',
  },
  {
    format: 'zeek-tsv',
    description: 'Zeek TSV logs conn, dns, http, ssl (#path header)',
  },
  { format: 'zeek-json', description: 'Zeek JSON logs conn, dns, http, ssl' },
  { format: 'suricata-eve', description: 'Suricata eve.json' },
  {
    format: 'sysmon-json',
    description: 'Sysmon event ID 3 as JSON lines or a JSON array',
  },
]
