import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { fakeHunt } from '../../test/support/package-fakes.ts'
import { ingestFeeds } from '../feeds/ingest-feeds.ts'
import type { Hunt } from '../hunts/hunt.ts'
import { observableOf } from '../hunts/observable.ts'
import type { IngestResult } from '../indicators/indicator.ts'
import {
  buildPackages,
  QueryValidationError,
  type PackageBuildStages,
} from './build-packages.ts'
import type { FamilyIndicators } from './family-indicators.ts'
import { GENERATED_BY } from './package-index.ts'
import { Allowlist } from '../allowlist/allowlist.ts'

function exportRecord(fields: Record<string, unknown>) {
  return {
    ioc_value: '',
    ioc_type: 'ip:port',
    threat_type: 'botnet_cc',
    malware: 'win.dcrat',
    malware_alias: 'DarkCrystal RAT',
    malware_printable: 'DCRat',
    first_seen_utc: '2026-05-23 00:00:00',
    last_seen_utc: null,
    confidence_level: 100,
    is_compromised: false,
    reference: null,
    tags: 'DCRat',
    anonymous: 0,
    ...fields,
  }
}

// A ThreatFox JSON export with the hard cases of one build: a duplicate
// that merges, an invalid IPv4 address, a family without a name, and two
// family names with the same slug.
const SMALL_FEED = {
  'reference-dcrat-1': [exportRecord({ ioc_value: '94.26.90.55:8888' })],
  'reference-dcrat-2': [exportRecord({ ioc_value: '93.177.103.55:9999' })],
  '1000001': [exportRecord({ ioc_value: '94.26.90.55:8888', tags: 'RAT' })],
  '1000002': [exportRecord({ ioc_value: '203.0.300.17:443' })],
  '1000003': [
    exportRecord({
      ioc_value: 'evil.example',
      ioc_type: 'domain',
      threat_type: 'payload_delivery',
      malware: null,
      malware_alias: null,
      malware_printable: null,
      tags: null,
    }),
  ],
  '1000004': [
    exportRecord({
      ioc_value: 'https://cs.example/beacon',
      ioc_type: 'url',
      malware: 'win.cobalt_strike',
      malware_alias: 'BEACON',
      malware_printable: 'Cobalt Strike',
    }),
  ],
  '1000005': [
    exportRecord({
      ioc_value: 'cs2.example',
      ioc_type: 'domain',
      malware: null,
      malware_alias: null,
      malware_printable: 'Cobalt-Strike',
    }),
  ],
}

let root: string
let feedPath: string

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'huntpack-build-packages-'))
  feedPath = path.join(root, 'small.json')
  await fs.writeFile(feedPath, JSON.stringify(SMALL_FEED, null, 2))
})

after(async () => {
  await fs.rm(root, { recursive: true, force: true })
})

/** Builds one fake hunt per observable of the family. */
function fakeFamilyHunts(family: FamilyIndicators): Hunt[] {
  const observables = [...new Set(family.indicators.map(observableOf))]
  return observables.map((observable) =>
    fakeHunt(family.indicators.filter((i) => observableOf(i) === observable)),
  )
}

const FAKE_STAGES: PackageBuildStages = {
  buildFamilyHunts: fakeFamilyHunts,
  validateQuery: () => [],
}

const OPTIONS = { inputs: ['small.json'], lookback: '14d' }

async function ingestSmallFeed(): Promise<IngestResult> {
  const result = await ingestFeeds([feedPath])
  const rejected = result.rejected.map((r) => ({ ...r, file: 'small.json' }))
  return { ...result, rejected }
}

test('index.json of small feed', async () => {
  const build = await buildPackages(
    await ingestSmallFeed(),
    OPTIONS,
    FAKE_STAGES,
  )
  const index = JSON.parse(build.files.get('index.json')!)
  assert.deepEqual(index, {
    generatedBy: GENERATED_BY,
    inputs: ['small.json'],
    totals: { read: 7, accepted: 5, merged: 1, rejected: 1 },
    rejected: [
      {
        file: 'small.json',
        recordId: '1000002',
        value: '203.0.300.17:443',
        reason: index.rejected[0].reason,
      },
    ],
    suppressed: [],
    families: [
      {
        name: 'Cobalt Strike',
        slug: 'cobalt-strike',
        aliases: ['BEACON'],
        indicators: 1,
        indicatorTypes: { url: 1 },
        queries: [
          {
            file: 'cobalt-strike/DeviceNetworkEvents-url.kql',
            table: 'DeviceNetworkEvents',
            observable: 'url',
            indicators: 1,
            characters: 180,
          },
        ],
      },
      {
        name: 'Cobalt-Strike',
        slug: 'cobalt-strike-2',
        aliases: [],
        indicators: 1,
        indicatorTypes: { domain: 1 },
        queries: [
          {
            file: 'cobalt-strike-2/DeviceNetworkEvents-domain.kql',
            table: 'DeviceNetworkEvents',
            observable: 'domain',
            indicators: 1,
            characters: 166,
          },
        ],
      },
      {
        name: 'DCRat',
        slug: 'dcrat',
        aliases: ['DarkCrystal RAT'],
        indicators: 2,
        indicatorTypes: { 'ip-port': 2 },
        queries: [
          {
            file: 'dcrat/DeviceNetworkEvents-ip-port.kql',
            table: 'DeviceNetworkEvents',
            observable: 'ip-port',
            indicators: 2,
            characters: 183,
          },
        ],
      },
      {
        name: 'Unknown malware',
        slug: 'unknown-malware',
        aliases: [],
        indicators: 1,
        indicatorTypes: { domain: 1 },
        queries: [
          {
            file: 'unknown-malware/DeviceNetworkEvents-domain.kql',
            table: 'DeviceNetworkEvents',
            observable: 'domain',
            indicators: 1,
            characters: 167,
          },
        ],
      },
    ],
  })
})

test('index.json rejection reason', async () => {
  const build = await buildPackages(
    await ingestSmallFeed(),
    OPTIONS,
    FAKE_STAGES,
  )
  const index = JSON.parse(build.files.get('index.json')!)
  assert.match(index.rejected[0].reason, /203\.0\.300\.17/)
})

test('index.json key order', async () => {
  const build = await buildPackages(
    await ingestSmallFeed(),
    OPTIONS,
    FAKE_STAGES,
  )
  const text = build.files.get('index.json')!
  assert.deepEqual(Object.keys(JSON.parse(text)), [
    'generatedBy',
    'inputs',
    'totals',
    'rejected',
    'suppressed',
    'families',
  ])
  assert.ok(text.endsWith('}\n'))
})

test('package tree file list', async () => {
  const build = await buildPackages(
    await ingestSmallFeed(),
    OPTIONS,
    FAKE_STAGES,
  )
  assert.deepEqual(
    [...build.files.keys()],
    [
      'index.json',
      'cobalt-strike/README.md',
      'cobalt-strike/indicators.csv',
      'cobalt-strike/DeviceNetworkEvents-url.kql',
      'cobalt-strike-2/README.md',
      'cobalt-strike-2/indicators.csv',
      'cobalt-strike-2/DeviceNetworkEvents-domain.kql',
      'dcrat/README.md',
      'dcrat/indicators.csv',
      'dcrat/DeviceNetworkEvents-ip-port.kql',
      'unknown-malware/README.md',
      'unknown-malware/indicators.csv',
      'unknown-malware/DeviceNetworkEvents-domain.kql',
    ],
  )
})

test('build is reproducible', async () => {
  const ingest = await ingestSmallFeed()
  const first = await buildPackages(ingest, OPTIONS, FAKE_STAGES)
  const reversed = { ...ingest, indicators: [...ingest.indicators].reverse() }
  const second = await buildPackages(reversed, OPTIONS, FAKE_STAGES)
  assert.deepEqual([...second.files], [...first.files])
})

test('invalid query fails build', async () => {
  const stages: PackageBuildStages = {
    buildFamilyHunts: fakeFamilyHunts,
    validateQuery: (text) =>
      text.includes('94.26.90.55')
        ? [
            {
              severity: 'error',
              message: "The name 'iocs' does not refer to any known table",
              line: 1,
              column: 5,
              start: 4,
              length: 4,
            },
          ]
        : [],
  }
  await assert.rejects(
    buildPackages(await ingestSmallFeed(), OPTIONS, stages),
    (error: unknown) => {
      assert.ok(error instanceof QueryValidationError)
      assert.equal(
        error.message,
        'the KQL parser found 1 problem in 1 hunting query, so no package was written:\n' +
          "  dcrat/DeviceNetworkEvents-ip-port.kql:1:5: error: The name 'iocs' does not refer to any known table " +
          '["iocs"] (family DCRat)\n' +
          'Correct the hunt definition or renderer that produced the query.',
      )
      return true
    },
  )
})

test('suggestions keep build', async () => {
  const stages: PackageBuildStages = {
    buildFamilyHunts: fakeFamilyHunts,
    validateQuery: () => [
      {
        severity: 'suggestion',
        message: 'slow',
        line: 1,
        column: 1,
        start: 0,
        length: 3,
      },
    ],
  }
  const build = await buildPackages(await ingestSmallFeed(), OPTIONS, stages)
  assert.equal(build.suggestions.length, 4)
})

test('warnings fail build', async () => {
  const stages: PackageBuildStages = {
    buildFamilyHunts: fakeFamilyHunts,
    validateQuery: () => [
      {
        severity: 'warning',
        message: 'unknown table',
        line: 1,
        column: 1,
        start: 0,
        length: 3,
      },
    ],
  }
  await assert.rejects(
    buildPackages(await ingestSmallFeed(), OPTIONS, stages),
    /found 4 problems in 4 hunting queries/,
  )
})

test('progress reaches totals', async () => {
  const seen: string[] = []
  await buildPackages(await ingestSmallFeed(), OPTIONS, {
    ...FAKE_STAGES,
    onProgress: (stage, done, total) => seen.push(`${stage} ${done}/${total}`),
  })
  assert.deepEqual(seen, [
    'hunts 1/4',
    'hunts 2/4',
    'hunts 3/4',
    'hunts 4/4',
    'validation 1/4',
    'validation 2/4',
    'validation 3/4',
    'validation 4/4',
  ])
})

test('allow-listed indicator left out', async () => {
  const listFile = path.join(root, 'allowlist.txt')
  await fs.writeFile(listFile, '# our scanner\n94.26.90.55\n')
  const allowlist = Allowlist.load({ files: [listFile] })
  const build = await buildPackages(
    await ingestSmallFeed(),
    { ...OPTIONS, allowlist },
    FAKE_STAGES,
  )
  const index = JSON.parse(build.files.get('index.json')!)
  assert.equal(index.suppressed.length, 1)
  assert.equal(index.suppressed[0].family, 'DCRat')
  assert.equal(index.suppressed[0].value, '94.26.90.55')
  assert.equal(index.suppressed[0].port, 8888)
  assert.match(
    index.suppressed[0].reason,
    /matches 94\.26\.90\.55 in user allow-list/,
  )
  const dcrat = index.families.find((f: { slug: string }) => f.slug === 'dcrat')
  assert.equal(dcrat.indicators, 1)
  const readme = build.files.get('dcrat/README.md')!
  assert.match(
    readme,
    /\n- Not hunted: 1 more indicator on the allow-list, see \[Not hunted\]\(#not-hunted\)\n/,
  )
  assert.match(
    readme,
    /\n## Not hunted\n\n[^\n]*\n\n- `94\[\.\]26\[\.\]90\[\.\]55:8888`: allow-listed, /,
  )
  assert.doesNotMatch(
    build.files.get('dcrat/indicators.csv')!,
    /94\.26\.90\.55/,
  )
  assert.doesNotMatch(
    build.files.get('dcrat/DeviceNetworkEvents-ip-port.kql')!,
    /94\.26\.90\.55/,
  )
})
