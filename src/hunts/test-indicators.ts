import { readFileSync } from 'node:fs'

import type {
  Indicator,
  IndicatorType,
  UrlParts,
} from '../indicators/indicator.ts'

// Test support: indicators for hunt and renderer tests, built without the
// ingest stage so that those tests do not depend on it. Records come from
// the ThreatFox JSON export fixture, or are made up for edge cases.

const FIXTURE = new URL(
  '../../test/fixtures/threatfox/threatfox-export-json-recent-4488.json',
  import.meta.url,
)

interface ThreatFoxRecord {
  ioc_value: string
  ioc_type: string
  threat_type: string
  malware: string
  malware_printable: string
  first_seen_utc: string
  confidence_level: number
}

let records: Record<string, ThreatFoxRecord[]> | undefined

/** Fields of a made-up indicator; `key` and `origins` are derived when left out. */
export type IndicatorFields = Partial<Indicator> & {
  type: IndicatorType
  value: string
}

/** Builds an indicator with test defaults: family Test, ThreatFox, confidence 100. */
export function testIndicator(fields: IndicatorFields): Indicator {
  const family = fields.family ?? 'Test'
  const port = fields.port === undefined ? '' : `|${fields.port}`
  const indicator: Indicator = {
    key: `${fields.type}|${fields.value}${port}|${family}`,
    family,
    aliases: [],
    threatType: 'botnet_cc',
    firstSeen: '2026-05-23T00:00:00Z',
    confidence: 100,
    tags: [],
    references: [],
    defanged: false,
    origins: [
      {
        feed: 'threatfox',
        file: 'test.json',
        recordId: 'test',
        rawValue: fields.value,
      },
    ],
    ...fields,
  }
  if (fields.type === 'url' && fields.url === undefined) {
    indicator.url = urlParts(fields.value)
  }
  return indicator
}

/**
 * Returns the indicators of ThreatFox export records by IOC id, mapped the
 * simple way: `ip:port` split at the last colon (the fixture's addresses
 * are IPv4), hashes and domains in lower case, URL parts from `URL`.
 */
export function threatFoxIndicators(ids: readonly string[]): Indicator[] {
  records ??= JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<
    string,
    ThreatFoxRecord[]
  >
  return ids.map((id) => {
    const record = records![id]?.[0]
    if (record === undefined)
      throw new Error(`no ThreatFox record ${id} in the fixture`)
    return fromRecord(id, record)
  })
}

function fromRecord(id: string, record: ThreatFoxRecord): Indicator {
  const { type, value, port } = splitValue(record)
  const indicator = testIndicator({
    type,
    value,
    family: record.malware_printable,
    malwareId: record.malware,
    threatType: record.threat_type,
    firstSeen: `${record.first_seen_utc.replace(' ', 'T')}Z`,
    confidence: record.confidence_level,
    origins: [
      {
        feed: 'threatfox',
        file: 'threatfox-export-json-recent-4488.json',
        recordId: id,
        rawValue: record.ioc_value,
      },
    ],
  })
  if (type === 'ip') {
    indicator.ipVersion = 4
    if (port !== undefined) indicator.port = port
    indicator.key = `ip|${value}${port === undefined ? '' : `|${port}`}|${indicator.family}`
  }
  return indicator
}

function splitValue(record: ThreatFoxRecord): {
  type: IndicatorType
  value: string
  port?: number
} {
  switch (record.ioc_type) {
    case 'ip:port': {
      const colon = record.ioc_value.lastIndexOf(':')
      return {
        type: 'ip',
        value: record.ioc_value.slice(0, colon),
        port: Number(record.ioc_value.slice(colon + 1)),
      }
    }
    case 'domain':
      return { type: 'domain', value: record.ioc_value.toLowerCase() }
    case 'url':
      return { type: 'url', value: record.ioc_value }
    default:
      return {
        type: record.ioc_type.replace('_hash', '') as IndicatorType,
        value: record.ioc_value.toLowerCase(),
      }
  }
}

function urlParts(value: string): UrlParts {
  const scheme = value.slice(0, value.indexOf(':')).toLowerCase()
  const afterScheme = value.slice(scheme.length + 3)
  const hostEnd = afterScheme.search(/[/?#]/)
  const authority = hostEnd === -1 ? afterScheme : afterScheme.slice(0, hostEnd)
  const pathAndQuery = hostEnd === -1 ? '' : afterScheme.slice(hostEnd)
  const portMatch = /:(\d+)$/.exec(authority)
  const host =
    portMatch === null ? authority : authority.slice(0, portMatch.index)
  const parts: UrlParts = {
    scheme,
    host: host.replace(/^\[|\]$/g, ''),
    pathAndQuery,
  }
  if (portMatch !== null) parts.port = Number(portMatch[1])
  return parts
}
