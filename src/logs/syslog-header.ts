import { parseIsoTimestamp, parseMonthNameTimestamp } from './timestamps.ts'

/** Time and host name read from a syslog header. */
export interface SyslogHeader {
  /** Microseconds since the Unix epoch, UTC. */
  readonly time?: number
  readonly host?: string
  /** Length of the header in the line, including the space after it. */
  readonly length: number
}

// RFC 3164: "<PRI>Mmm dd hh:mm:ss HOST", the priority optional.
const RFC3164 =
  /^(?:<\d{1,3}>)?([A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}) (\S+) ?/
// RFC 5424: "<PRI>VERSION TIMESTAMP HOST", and the same without PRI and
// VERSION as rsyslog writes it with high-precision timestamps.
const RFC5424 = /^(?:<\d{1,3}>\d{1,2} )?(\d{4}-\d{2}-\d{2}T\S+) (\S+) ?/

/**
 * Reads the syslog header at the start of `line`, if any. A RFC 3164 time
 * has no year, so the year comes from `referenceMicros` (the file's
 * modification time). Returns `{ length: 0 }` when there is no header.
 */
export function parseSyslogHeader(
  line: string,
  referenceMicros: number,
): SyslogHeader {
  const bsd = RFC3164.exec(line)
  if (bsd) {
    return {
      time: parseMonthNameTimestamp(bsd[1]!, referenceMicros),
      host: bsd[2],
      length: bsd[0].length,
    }
  }
  const ietf = RFC5424.exec(line)
  if (ietf) {
    const time = parseIsoTimestamp(ietf[1]!)
    if (time !== undefined) {
      return {
        time,
        host: ietf[2] === '-' ? undefined : ietf[2],
        length: ietf[0].length,
      }
    }
  }
  return { length: 0 }
}
