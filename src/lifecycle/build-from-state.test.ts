import assert from 'node:assert/strict'
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  writeThreatFoxExport,
  type ExportRecord,
} from '../../test/support/threatfox-export-file.ts'
import { Allowlist } from '../allowlist/allowlist.ts'
import { parseReservedRangeCategories } from '../allowlist/reserved-ranges.ts'
import { createBuildStages } from '../packages/build-stages.ts'
import { hashFolder } from '../packages/write-changed-families.ts'
import { StateStore } from '../state/state-store.ts'
import {
  buildFromState,
  type BuildFromStateResult,
} from './build-from-state.ts'
import { ingestIntoState } from './ingest-into-state.ts'
import { DEFAULT_LIFECYCLE_POLICY } from './lifecycle-policy.ts'

const tempDir = mkdtempSync(join(tmpdir(), 'huntpack-build-state-'))
after(() => rmSync(tempDir, { recursive: true, force: true }))

const allowlist = Allowlist.load({
  reservedRanges: parseReservedRangeCategories('-documentation'),
})
const stages = createBuildStages('14d')
const out = join(tempDir, 'packages')

const BASE: ExportRecord[] = [
  {
    id: '1',
    value: '203.0.113.9:8080',
    type: 'ip:port',
    family: 'DCRat',
    firstSeen: '2026-04-10 08:00:00',
  },
  {
    id: '2',
    value: 'dcrat-c2.example.com',
    type: 'domain',
    family: 'DCRat',
    firstSeen: '2026-04-10 08:00:00',
  },
  {
    id: '3',
    value: 'vidar-c2.example.net',
    type: 'domain',
    family: 'Vidar',
    firstSeen: '2026-04-10 09:00:00',
  },
  {
    id: '4',
    value: 'github.com',
    type: 'domain',
    family: 'Vidar',
    firstSeen: '2026-04-10 09:00:00',
  },
]

let store: StateStore
let fileCounter = 0

async function ingest(records: ExportRecord[], now: string): Promise<void> {
  fileCounter += 1
  const feed = writeThreatFoxExport(
    tempDir,
    `feed-${fileCounter}.json`,
    records,
  )
  await ingestIntoState(store, {
    command: 'ingest',
    paths: [feed],
    policy: DEFAULT_LIFECYCLE_POLICY,
    allowlist,
    now: new Date(now),
  })
}

function build(
  now: string,
  onFileWritten?: (path: string) => void,
  policy = DEFAULT_LIFECYCLE_POLICY,
): Promise<BuildFromStateResult> {
  return buildFromState(store, {
    out,
    lookback: '14d',
    inputs: ['state.duckdb'],
    stages,
    policy,
    allowlist,
    now: new Date(now),
    onFileWritten,
  })
}

function snapshot(
  folder: string,
): Map<string, { ino: number; mtimeMs: number; bytes: string }> {
  const result = new Map<
    string,
    { ino: number; mtimeMs: number; bytes: string }
  >()
  // Folders are new in the new tree, so only their times (to the
  // millisecond, the precision utimes keeps) are compared.
  result.set('.', {
    ino: 0,
    mtimeMs: Math.floor(statSync(folder).mtimeMs),
    bytes: '',
  })
  for (const name of readdirSync(folder, {
    recursive: true,
    encoding: 'utf8',
  })) {
    const path = join(folder, name)
    const stat = statSync(path)
    result.set(
      name,
      stat.isDirectory()
        ? { ino: 0, mtimeMs: Math.floor(stat.mtimeMs), bytes: '' }
        : {
            ino: stat.ino,
            mtimeMs: stat.mtimeMs,
            bytes: readFileSync(path, 'utf8'),
          },
    )
  }
  return result
}

function readme(slug: string): string {
  return readFileSync(join(out, slug, 'README.md'), 'utf8')
}

describe('buildFromState', () => {
  before(async () => {
    store = await StateStore.open(join(tempDir, 'state.duckdb'), {
      command: 'test',
    })
    await ingest(BASE, '2026-04-12T00:00:00Z')
  })
  after(() => store.close())

  test('first build writes every family', async () => {
    const result = await build('2026-04-12T00:00:00Z')
    assert.equal(result.buildId, 1)
    assert.deepEqual(result.rewritten, ['DCRat', 'Vidar'])
    assert.deepEqual(readdirSync(out).sort(), ['dcrat', 'index.json', 'vidar'])
    assert.match(
      readme('dcrat'),
      /\n## Changes\n\nBuild 1 on 2026-04-12 00:00:00 UTC is the first build of this family from the state, with 2 indicator\(s\)\.\n$/,
    )
  })

  test('allow-listed domain listed as not hunted', () => {
    const text = readme('vidar')
    assert.match(
      text,
      /\n## Not hunted\n\nhuntpack left these indicators of this family out of the queries:\n\n- `github\[\.\]com`: allow-listed, github\.com matches github\.com in popular domains, code hosting; a full URL on this domain is still hunted\n/,
    )
    assert.doesNotMatch(
      readFileSync(join(out, 'vidar', 'indicators.csv'), 'utf8'),
      /github\.com/,
    )
  })

  test('unchanged build keeps every folder', async () => {
    const before = {
      dcrat: snapshot(join(out, 'dcrat')),
      vidar: snapshot(join(out, 'vidar')),
    }
    const result = await build('2026-04-12T01:00:00Z')
    assert.equal(result.buildId, 2)
    assert.deepEqual(result.rewritten, [])
    assert.deepEqual(result.unchanged, ['DCRat', 'Vidar'])
    assert.deepEqual(snapshot(join(out, 'dcrat')), before.dcrat)
    assert.deepEqual(snapshot(join(out, 'vidar')), before.vidar)
  })

  test('new indicator rewrites only its family', async () => {
    const vidarBefore = snapshot(join(out, 'vidar'))
    await ingest(
      [
        {
          id: '5',
          value: '198.51.100.77:443',
          type: 'ip:port',
          family: 'DCRat',
          firstSeen: '2026-04-12 06:00:00',
        },
      ],
      '2026-04-12T07:00:00Z',
    )
    const result = await build('2026-04-12T07:00:00Z')
    assert.equal(result.buildId, 3)
    assert.deepEqual(result.rewritten, ['DCRat'])
    assert.deepEqual(result.unchanged, ['Vidar'])
    assert.deepEqual(snapshot(join(out, 'vidar')), vidarBefore)
    assert.match(
      readme('dcrat'),
      /\n## Changes\n\nBuild 3 on 2026-04-12 07:00:00 UTC, compared with build 2:\n\n- Added \(1\):\n  - `198\[\.\]51\[\.\]100\[\.\]77:443`\n$/,
    )
  })

  test('changed confidence is listed', async () => {
    await ingest([{ ...BASE[2], confidence: 80 }], '2026-04-12T08:00:00Z')
    const result = await build('2026-04-12T08:00:00Z')
    assert.deepEqual(result.rewritten, ['Vidar'])
    assert.match(
      readme('vidar'),
      /- Changed \(confidence, threat type, times, tags or references\) \(1\):\n  - `vidar-c2\[\.\]example\[\.\]net`\n$/,
    )
  })

  test('expired indicators are listed with reason', async () => {
    const result = await build('2026-05-20T00:00:00Z')
    assert.deepEqual(result.rewritten, ['DCRat'])
    assert.equal(result.lifecycle?.counts.expired, 2)
    const text = readme('dcrat')
    assert.match(text, /- No longer hunted \(2\):\n/)
    assert.match(
      text,
      /  - `203\[\.\]0\[\.\]113\[\.\]9:8080`: expired, last seen in feed 2026-04-10T08:00:00Z; ip indicators expire 30 days after that\n/,
    )
    assert.match(
      text,
      /2 expired indicator\(s\) of this family are no longer hunted\./,
    )
  })

  test('edited folder is rewritten', async () => {
    appendFileSync(join(out, 'vidar', 'README.md'), 'local note\n')
    const result = await build('2026-05-20T00:00:00Z')
    assert.deepEqual(result.rewritten, ['Vidar'])
    assert.doesNotMatch(readme('vidar'), /local note/)
  })

  test('interrupted write keeps old output and records nothing', async () => {
    await ingest(
      [
        {
          id: '6',
          value: 'dcrat-new.example.com',
          type: 'domain',
          family: 'DCRat',
          firstSeen: '2026-05-19 00:00:00',
        },
      ],
      '2026-05-20T00:00:00Z',
    )
    const before = {
      dcrat: await hashFolder(join(out, 'dcrat')),
      vidar: await hashFolder(join(out, 'vidar')),
    }
    const index = readFileSync(join(out, 'index.json'), 'utf8')
    const lastBuild = await store.lastBuildId()

    await assert.rejects(
      build('2026-05-20T00:00:00Z', (path) => {
        if (path.endsWith('README.md'))
          throw new Error('disk full while writing ' + path)
      }),
      /disk full while writing dcrat\/README\.md/,
    )
    assert.equal(await hashFolder(join(out, 'dcrat')), before.dcrat)
    assert.equal(await hashFolder(join(out, 'vidar')), before.vidar)
    assert.equal(readFileSync(join(out, 'index.json'), 'utf8'), index)
    assert.equal(await store.lastBuildId(), lastBuild)
    assert.deepEqual(
      readdirSync(tempDir).filter((name) => name.startsWith('packages.')),
      [],
    )
  })

  test('build after interruption compares with last recorded build', async () => {
    const result = await build('2026-05-20T00:00:00Z')
    assert.deepEqual(result.rewritten, ['DCRat'])
    assert.match(
      readme('dcrat'),
      /compared with build \d+:\n\n- Added \(1\):\n  - `dcrat-new\[\.\]example\[\.\]com`\n$/,
    )
  })

  test('low confidence listed under lifecycle', async () => {
    await ingest(
      [
        {
          id: '7',
          value: 'vidar-weak.example.org',
          type: 'domain',
          family: 'Vidar',
          firstSeen: '2026-05-19 00:00:00',
          confidence: 50,
        },
      ],
      '2026-05-20T00:00:00Z',
    )
    const result = await build('2026-05-20T00:00:00Z', undefined, {
      ...DEFAULT_LIFECYCLE_POLICY,
      minConfidence: 75,
    })
    assert.deepEqual(result.rewritten, ['Vidar'])
    assert.match(
      readme('vidar'),
      /\n## Lifecycle\n\nhuntpack left these indicators of this family out of the queries:\n\n- `vidar-weak\[\.\]example\[\.\]org`: below-confidence, confidence 50 is below the minimum 75\n/,
    )
  })
})
