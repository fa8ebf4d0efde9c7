import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import type { IngestResult } from '../indicators/indicator.ts'
import { ingestFeeds } from './ingest-feeds.ts'
import { parseFeedContent } from './parse-feed-content.ts'

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url))
const THREATFOX_JSON = `${FIXTURES}threatfox/threatfox-export-json-recent-4488.json`
const STIX_BUNDLE = `${FIXTURES}feeds/stix-misp/feeds2stix-abusech-sslblacklist-cobaltstrike.stix21.json`
const MISP_MOZI = `${FIXTURES}feeds/stix-misp/eset-mozi-mozi.misp-event.json`
const MISP_STANTINKO = `${FIXTURES}feeds/stix-misp/eset-stantinko-stantinko.misp-event.json`
const FEODO_CSV = `${FIXTURES}feeds/abusech-other/feodo-ipblocklist-2024-04-04.csv`
const FEODO_JSON = `${FIXTURES}feeds/abusech-other/feodo-ipblocklist-json-small.json`
const URLHAUS_CSV = `${FIXTURES}feeds/abusech-other/urlhaus-online-csv-excerpt.csv`

const MIXED = [
  THREATFOX_JSON,
  STIX_BUNDLE,
  MISP_MOZI,
  MISP_STANTINKO,
  FEODO_CSV,
  FEODO_JSON,
  URLHAUS_CSV,
]

// The tests only read the result, so one ingest of the mix serves all.
let mixedResult: Promise<IngestResult> | undefined
function ingestMixed(): Promise<IngestResult> {
  mixedResult ??= ingestFeeds(MIXED)
  return mixedResult
}

test('ingest mixed formats totals', async () => {
  const { totals } = await ingestMixed()
  assert.deepEqual(totals, {
    read: 5223,
    accepted: 4921,
    merged: 179,
    rejected: 123,
  })
  assert.equal(totals.read, totals.accepted + totals.merged + totals.rejected)
})

test('ingest mixed formats every record counted', async () => {
  const result = await ingestMixed()
  for (const path of MIXED) {
    const read = parseFeedContent(readFileSync(path), { file: path }).length
    const accepted = result.indicators
      .flatMap((indicator) => indicator.origins)
      .filter((origin) => origin.file === path).length
    const rejected = result.rejected.filter((item) => item.file === path).length
    assert.equal(accepted + rejected, read, path)
  }
})

test('ingest mixed formats families', async () => {
  const { indicators } = await ingestMixed()
  const counts = new Map<string, number>()
  for (const { family } of indicators) {
    counts.set(family, (counts.get(family) ?? 0) + 1)
  }
  const families = ['CobaltStrike', 'Stantinko', 'Pikabot', 'QakBot', 'Emotet']
  assert.deepEqual(
    families.map((family) => [family, counts.get(family)]),
    [
      ['CobaltStrike', 96],
      ['Stantinko', 213],
      ['Pikabot', 28],
      ['QakBot', 4],
      ['Emotet', 1],
    ],
  )
})

test('ingest mixed formats STIX merge', async () => {
  const { indicators } = await ingestMixed()
  const indicator = indicators.find(
    (item) => item.value === '16b297fe392a082c653ed159106253c76c2e6b66',
  )
  assert.deepEqual(indicator, {
    key: 'sha1|16b297fe392a082c653ed159106253c76c2e6b66|CobaltStrike',
    type: 'sha1',
    value: '16b297fe392a082c653ed159106253c76c2e6b66',
    family: 'CobaltStrike',
    aliases: [],
    threatType: 'payload',
    firstSeen: '2018-01-26T11:14:38Z',
    lastSeen: '2024-05-19T05:54:12Z',
    confidence: 50,
    tags: [],
    references: [],
    defanged: false,
    origins: [
      {
        feed: 'stix',
        file: STIX_BUNDLE,
        recordId: 'file--117e2528-05ed-55a9-9775-bfad3c9d9958',
        rawValue: '16b297fe392a082c653ed159106253c76c2e6b66',
      },
      {
        feed: 'stix',
        file: STIX_BUNDLE,
        recordId: 'indicator--6583f08d-8a71-5b2a-971a-97190e8dad2c',
        rawValue: '16b297fe392a082c653ed159106253c76c2e6b66',
      },
    ],
  })
})

test('ingest mixed formats Feodo indicator', async () => {
  const { indicators } = await ingestMixed()
  const indicator = indicators.find((item) => item.value === '194.233.91.144')
  assert.equal(indicator?.key, 'ip|194.233.91.144|5000|Pikabot')
  assert.equal(indicator?.port, 5000)
  assert.equal(indicator?.threatType, 'botnet_cc')
  assert.equal(indicator?.firstSeen, '2024-03-26T23:30:11Z')
  assert.equal(indicator?.lastSeen, '2024-04-04T00:00:00Z')
  assert.equal(indicator?.confidence, 75)
})

test('ingest mixed formats URL under two families', async () => {
  const { familyOverlaps } = await ingestMixed()
  assert.deepEqual(
    familyOverlaps?.filter((overlap) =>
      overlap.observableKey.startsWith('url|http://1'),
    ),
    [
      {
        observableKey: 'url|http://138.204.196.254:46255/i',
        families: ['Mirai', 'Mozi'],
      },
      {
        observableKey: 'url|http://167.86.99.169/iran.mips',
        families: ['Mirai', 'Wraith'],
      },
    ],
  )
})

test('ingest mixed formats minimum confidence', async () => {
  const result = await ingestFeeds([STIX_BUNDLE, FEODO_JSON], {
    minConfidence: 75,
  })
  assert.deepEqual(result.totals, {
    read: 197,
    accepted: 5,
    merged: 0,
    rejected: 192,
  })
  assert.equal(
    result.rejected[0].reason,
    'confidence 50 is below the minimum 75',
  )
})
