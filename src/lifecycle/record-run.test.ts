import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { writeThreatFoxExport } from '../../test/support/threatfox-export-file.ts'
import { Allowlist } from '../allowlist/allowlist.ts'
import { parseReservedRangeCategories } from '../allowlist/reserved-ranges.ts'
import { StateStore } from '../state/state-store.ts'
import { ingestIntoState } from './ingest-into-state.ts'
import {
  DEFAULT_LIFECYCLE_POLICY,
  type LifecyclePolicy,
} from './lifecycle-policy.ts'
import { recordRun } from './record-run.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FIXTURES = join(ROOT, 'test/fixtures/threatfox')
const JSON_EXPORT = join(FIXTURES, 'threatfox-export-json-recent-4488.json')
const CSV_EXPORT = join(FIXTURES, 'threatfox-export-csv-recent-excerpt.csv')
const API_RESPONSE = join(
  FIXTURES,
  'threatfox-api-get_iocs-response-small.json',
)

const tempDir = mkdtempSync(join(tmpdir(), 'huntpack-lifecycle-'))
after(() => rmSync(tempDir, { recursive: true, force: true }))

// Tests use documentation addresses, so that category stays huntable.
const testAllowlist = Allowlist.load({
  reservedRanges: parseReservedRangeCategories('-documentation'),
})

let counter = 0
async function openStore(): Promise<StateStore> {
  counter += 1
  return StateStore.open(join(tempDir, `run-${counter}`, 'state.duckdb'), {
    command: 'test',
  })
}

async function ingest(
  store: StateStore,
  paths: string[],
  now: string,
  options: { allowlist?: Allowlist; policy?: LifecyclePolicy } = {},
) {
  const result = await ingestIntoState(store, {
    command: 'ingest',
    paths,
    policy: options.policy ?? DEFAULT_LIFECYCLE_POLICY,
    allowlist: options.allowlist ?? testAllowlist,
    now: new Date(now),
    clock: () => new Date(now),
  })
  return result.report
}

describe('recordRun with real feeds', () => {
  test('first run adds every indicator', async () => {
    const store = await openStore()
    const report = await ingest(store, [JSON_EXPORT], '2026-07-25T00:00:00Z', {
      allowlist: Allowlist.load(),
    })
    assert.equal(report.runId, 1)
    assert.deepEqual(report.counts, {
      read: 4490,
      accepted: 4488,
      merged: 2,
      rejected: 0,
      added: 4488,
      updated: 0,
      expired: 2,
      allowListed: 1,
      belowConfidence: 0,
      reactivated: 0,
      totalActive: 4485,
      totalExpired: 2,
      totalAllowListed: 1,
      totalBelowConfidence: 0,
    })
    store.close()
  })

  test('same feed again adds nothing', async () => {
    const store = await openStore()
    await ingest(store, [JSON_EXPORT], '2026-07-25T00:00:00Z')
    const second = await ingest(store, [JSON_EXPORT], '2026-07-25T00:00:00Z')
    assert.equal(second.runId, 2)
    assert.equal(second.counts.added, 0)
    assert.equal(second.counts.updated, 0)
    assert.deepEqual(second.changes, [])
    assert.deepEqual(await store.loadEvents(2), [])
    store.close()
  })

  test('feeds and runs accumulate', async () => {
    const store = await openStore()
    await ingest(store, [CSV_EXPORT], '2026-04-12T00:00:00Z')
    const second = await ingest(store, [API_RESPONSE], '2026-04-12T00:00:00Z')
    assert.equal(second.counts.added, 2)
    assert.equal(second.counts.totalActive + second.counts.totalExpired, 34)
    const runs = await store.listRuns()
    assert.deepEqual(
      runs.map((run) => run.sources),
      [[CSV_EXPORT], [API_RESPONSE]],
    )
    store.close()
  })
})

describe('recordRun lifecycle rules', () => {
  test('expiry per type', async () => {
    const store = await openStore()
    const feed = writeThreatFoxExport(tempDir, 'expiry.json', [
      {
        id: '1',
        value: '203.0.113.9:8080',
        type: 'ip:port',
        family: 'DCRat',
        firstSeen: '2026-03-01 00:00:00',
        lastSeen: '2026-03-11 23:00:00',
      },
      {
        id: '2',
        value: 'c2.example.com',
        type: 'domain',
        family: 'DCRat',
        firstSeen: '2026-03-11 23:00:00',
      },
      {
        id: '3',
        value: 'http://c2.example.net/gate.php',
        type: 'url',
        family: 'DCRat',
        firstSeen: '2026-01-10 00:00:00',
      },
      {
        id: '4',
        value: 'a'.repeat(64),
        type: 'sha256_hash',
        family: 'DCRat',
        firstSeen: '2025-04-15 00:00:00',
      },
    ])
    const report = await ingest(store, [feed], '2026-04-12T00:00:00Z')
    const statuses = Object.fromEntries(
      report.changes.map((change) => [
        change.value,
        [change.to, change.reason],
      ]),
    )
    assert.deepEqual(statuses, {
      '203.0.113.9': [
        'expired',
        'last seen in feed 2026-03-11T23:00:00Z; ip indicators expire 30 days after that',
      ],
      'c2.example.com': ['active', undefined],
      'http://c2.example.net/gate.php': [
        'expired',
        'last seen in feed 2026-01-10T00:00:00Z; url indicators expire 90 days after that',
      ],
      ['a'.repeat(64)]: ['active', undefined],
    })
    store.close()
  })

  test('configured expiry applies', async () => {
    const store = await openStore()
    const feed = writeThreatFoxExport(tempDir, 'configured.json', [
      {
        id: '1',
        value: 'c2.example.com',
        type: 'domain',
        family: 'DCRat',
        firstSeen: '2026-04-01 00:00:00',
      },
    ])
    const policy = {
      ...DEFAULT_LIFECYCLE_POLICY,
      expiryDays: { ...DEFAULT_LIFECYCLE_POLICY.expiryDays, domain: 7 },
    }
    const report = await ingest(store, [feed], '2026-04-12T00:00:00Z', {
      policy,
    })
    assert.equal(report.changes[0].to, 'expired')
    store.close()
  })

  test('later sighting reactivates', async () => {
    const store = await openStore()
    const old = writeThreatFoxExport(tempDir, 'old.json', [
      {
        id: '7',
        value: '203.0.113.9:8080',
        type: 'ip:port',
        family: 'DCRat',
        firstSeen: '2026-01-01 00:00:00',
      },
    ])
    const fresh = writeThreatFoxExport(tempDir, 'fresh.json', [
      {
        id: '7',
        value: '203.0.113.9:8080',
        type: 'ip:port',
        family: 'DCRat',
        firstSeen: '2026-01-01 00:00:00',
        lastSeen: '2026-04-10 12:00:00',
      },
    ])
    assert.equal(
      (await ingest(store, [old], '2026-04-12T00:00:00Z')).counts.totalExpired,
      1,
    )

    const report = await ingest(store, [fresh], '2026-04-12T00:00:00Z')
    assert.equal(report.counts.updated, 1)
    assert.equal(report.counts.reactivated, 1)
    assert.equal(report.counts.totalActive, 1)
    assert.deepEqual(
      (await store.loadEvents(2)).map((event) => [event.event, event.status]),
      [
        ['updated', 'active'],
        ['status', 'active'],
      ],
    )
    store.close()
  })

  test('lifecycle pass expires with time', async () => {
    const store = await openStore()
    const feed = writeThreatFoxExport(tempDir, 'aging.json', [
      {
        id: '1',
        value: '203.0.113.10:443',
        type: 'ip:port',
        family: 'Remcos',
        firstSeen: '2026-04-01 00:00:00',
      },
    ])
    await ingest(store, [feed], '2026-04-12T00:00:00Z')
    const pass = await recordRun(store, {
      command: 'build --from-state',
      sources: [],
      started: new Date('2026-05-15T00:00:00Z'),
      now: new Date('2026-05-15T00:00:00Z'),
      policy: DEFAULT_LIFECYCLE_POLICY,
      allowlist: testAllowlist,
    })
    assert.equal(pass.runId, 2)
    assert.equal(pass.counts.expired, 1)
    assert.equal((await store.listRuns())[1].command, 'build --from-state')
    store.close()
  })

  test('lifecycle pass without change records nothing', async () => {
    const store = await openStore()
    const feed = writeThreatFoxExport(tempDir, 'stable.json', [
      {
        id: '1',
        value: '203.0.113.10:443',
        type: 'ip:port',
        family: 'Remcos',
        firstSeen: '2026-04-01 00:00:00',
      },
    ])
    await ingest(store, [feed], '2026-04-12T00:00:00Z')
    const pass = await recordRun(store, {
      command: 'build --from-state',
      sources: [],
      started: new Date('2026-04-13T00:00:00Z'),
      now: new Date('2026-04-13T00:00:00Z'),
      policy: DEFAULT_LIFECYCLE_POLICY,
      allowlist: testAllowlist,
    })
    assert.equal(pass.runId, undefined)
    assert.equal((await store.listRuns()).length, 1)
    store.close()
  })

  test('minimum confidence compares numbers', async () => {
    const store = await openStore()
    const feed = writeThreatFoxExport(
      tempDir,
      'confidence.json',
      [50, 75, 90, 100].map((confidence, index) => ({
        id: String(index + 1),
        value: `c${confidence}.example.com`,
        type: 'domain',
        family: 'Vidar',
        firstSeen: '2026-04-10 00:00:00',
        confidence,
      })),
    )
    const report = await ingest(store, [feed], '2026-04-12T00:00:00Z', {
      policy: { ...DEFAULT_LIFECYCLE_POLICY, minConfidence: 75 },
    })
    assert.deepEqual(
      report.changes.map((change) => [change.value, change.to]),
      [
        ['c100.example.com', 'active'],
        ['c50.example.com', 'below-confidence'],
        ['c75.example.com', 'active'],
        ['c90.example.com', 'active'],
      ],
    )
    assert.equal(
      report.changes[1].reason,
      'confidence 50 is below the minimum 75',
    )
    store.close()
  })

  test('newer confidence replaces older', async () => {
    const store = await openStore()
    const first = writeThreatFoxExport(tempDir, 'conf-1.json', [
      {
        id: '9',
        value: 'c2.example.org',
        type: 'domain',
        family: 'Vidar',
        firstSeen: '2026-04-10 00:00:00',
        confidence: 100,
      },
    ])
    const second = writeThreatFoxExport(tempDir, 'conf-2.json', [
      {
        id: '9',
        value: 'c2.example.org',
        type: 'domain',
        family: 'Vidar',
        firstSeen: '2026-04-10 00:00:00',
        confidence: 50,
      },
    ])
    await ingest(store, [first], '2026-04-12T00:00:00Z')
    const report = await ingest(store, [second], '2026-04-12T00:00:00Z', {
      policy: { ...DEFAULT_LIFECYCLE_POLICY, minConfidence: 75 },
    })
    assert.equal(report.counts.updated, 1)
    assert.equal(report.counts.belowConfidence, 1)
    const [stored] = await store.loadIndicators()
    assert.equal(stored.indicator.confidence, 50)
    assert.equal(stored.indicator.origins.length, 1)
    store.close()
  })
})

describe('recordRun allow-listing', () => {
  test('IP entry suppresses ip:port IOC', async () => {
    const store = await openStore()
    const allowFile = join(tempDir, 'allow-13.txt')
    writeFileSync(allowFile, '# resolver\n192.0.2.53\n')
    const feed = writeThreatFoxExport(tempDir, 'row-13.json', [
      {
        id: '13',
        value: '192.0.2.53:53',
        type: 'ip:port',
        family: 'Mirai',
        firstSeen: '2026-04-10 00:00:00',
      },
    ])
    const allowlist = Allowlist.load({
      files: [allowFile],
      reservedRanges: parseReservedRangeCategories('-documentation'),
    })
    const report = await ingest(store, [feed], '2026-04-12T00:00:00Z', {
      allowlist,
    })
    assert.equal(report.counts.allowListed, 1)
    assert.equal(report.changes[0].to, 'allow-listed')
    assert.equal(
      report.changes[0].reason,
      `192.0.2.53:53 matches 192.0.2.53 in user allow-list, ${allowFile} line 2; an address entry covers every port`,
    )
    assert.equal(
      report.changes[0].allowlistMatch?.entry.list,
      'user allow-list',
    )
    store.close()
  })

  test('popular bare domains are left out', async () => {
    const store = await openStore()
    const feed = writeThreatFoxExport(tempDir, 'row-14.json', [
      {
        id: '1',
        value: 'github.com',
        type: 'domain',
        family: 'Lumma',
        firstSeen: '2026-04-10 00:00:00',
      },
      {
        id: '2',
        value: 'drive.google.com',
        type: 'domain',
        family: 'Lumma',
        firstSeen: '2026-04-10 00:00:00',
      },
      {
        id: '3',
        value: 'cdn.discordapp.com',
        type: 'domain',
        family: 'Lumma',
        firstSeen: '2026-04-10 00:00:00',
      },
      {
        id: '4',
        value: 'https://cdn.discordapp.com/attachments/1/2/stage2.exe',
        type: 'url',
        family: 'Lumma',
        firstSeen: '2026-04-10 00:00:00',
      },
      {
        id: '5',
        value: 'notgithub.com',
        type: 'domain',
        family: 'Lumma',
        firstSeen: '2026-04-10 00:00:00',
      },
    ])
    const report = await ingest(store, [feed], '2026-04-12T00:00:00Z')
    assert.deepEqual(
      report.changes.map((change) => [
        change.value,
        change.to,
        change.allowlistMatch?.entry.text,
      ]),
      [
        ['cdn.discordapp.com', 'allow-listed', 'cdn.discordapp.com'],
        ['drive.google.com', 'allow-listed', 'drive.google.com'],
        ['github.com', 'allow-listed', 'github.com'],
        ['notgithub.com', 'active', undefined],
        [
          'https://cdn.discordapp.com/attachments/1/2/stage2.exe',
          'active',
          undefined,
        ],
      ],
    )
    store.close()
  })

  test('removing an entry reactivates', async () => {
    const store = await openStore()
    const allowFile = join(tempDir, 'allow-remove.txt')
    writeFileSync(allowFile, 'example.com\n')
    const feed = writeThreatFoxExport(tempDir, 'allowed.json', [
      {
        id: '1',
        value: 'c2.example.com',
        type: 'domain',
        family: 'Vidar',
        firstSeen: '2026-04-10 00:00:00',
      },
    ])
    await ingest(store, [feed], '2026-04-12T00:00:00Z', {
      allowlist: Allowlist.load({ files: [allowFile] }),
    })
    const report = await ingest(store, [feed], '2026-04-12T00:00:00Z')
    assert.equal(report.counts.reactivated, 1)
    assert.equal(report.counts.totalActive, 1)
    store.close()
  })
})
