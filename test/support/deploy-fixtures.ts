import { ingestFeeds } from '../../src/feeds/ingest-feeds.ts'
import type { Hunt } from '../../src/hunts/hunt.ts'
import type { Indicator } from '../../src/indicators/indicator.ts'
import { buildFamilyHunts } from '../../src/targets/kql/hunt-renderer.ts'

/** The ThreatFox JSON export that the bundled sample is a copy of. */
export const THREATFOX_SAMPLE =
  'test/fixtures/threatfox/threatfox-export-json-recent-4488.json'

/** One family of the sample with its hunts, as a build makes them. */
export interface SampleFamily {
  name: string
  slug: string
  indicators: Indicator[]
  hunts: Hunt[]
}

let sample: Promise<Indicator[]> | undefined

/** Returns a family of the sample ThreatFox export with hunts of a 14-day lookback. */
export async function sampleFamily(
  name: string,
  slug: string,
): Promise<SampleFamily> {
  sample ??= ingestFeeds([THREATFOX_SAMPLE]).then((result) => result.indicators)
  const indicators = (await sample).filter(
    (indicator) => indicator.family === name,
  )
  return {
    name,
    slug,
    indicators,
    hunts: buildFamilyHunts(name, indicators, { lookback: '14d' }),
  }
}

/**
 * Returns `count` ThreatFox-style `ip:port` indicators of one family, on
 * documentation addresses (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)
 * and ports from 1024, with ids `edge-<n>`. `offset` starts the numbering
 * elsewhere, for indicators that a later feed adds.
 */
export function ipPortIndicators(
  family: string,
  count: number,
  offset = 0,
): Indicator[] {
  const prefixes = ['192.0.2', '198.51.100', '203.0.113']
  return Array.from({ length: count }, (_, index) => {
    const n = index + offset
    const address = `${prefixes[n % 3]}.${Math.floor(n / 3) % 256}`
    const port = 1024 + Math.floor(n / 768) * 7 + (n % 7)
    return {
      key: `ip|${address}|${port}|${family}`,
      type: 'ip',
      value: address,
      ipVersion: 4,
      port,
      family,
      aliases: [],
      threatType: 'botnet_cc',
      firstSeen: '2026-05-23T00:00:00Z',
      confidence: n % 2 === 0 ? 100 : 75,
      tags: [],
      references: [],
      defanged: false,
      origins: [
        {
          feed: 'threatfox',
          file: 'feed.json',
          recordId: `edge-${n}`,
          rawValue: `${address}:${port}`,
        },
      ],
    } satisfies Indicator
  })
}

/** Returns the family's hunts of its indicators, as a build makes them. */
export function familyWithHunts(
  name: string,
  slug: string,
  indicators: Indicator[],
): SampleFamily {
  return {
    name,
    slug,
    indicators,
    hunts: buildFamilyHunts(name, indicators, { lookback: '14d' }),
  }
}
