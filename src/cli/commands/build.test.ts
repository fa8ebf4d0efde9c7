import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import * as fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, test } from 'node:test'
import { Command } from 'commander'
import { fakeHunt } from '../../../test/support/package-fakes.ts'
import { ingestFeeds } from '../../feeds/ingest-feeds.ts'
import { FeedError } from '../../feeds/feed-error.ts'
import { observableOf } from '../../hunts/observable.ts'
import { QueryValidationError } from '../../packages/build-packages.ts'
import type { FamilyIndicators } from '../../packages/family-indicators.ts'
import { OutputDirectoryError } from '../../packages/atomic-output.ts'
import { KqlValidator } from '../../validation/kql-validator.ts'
import {
  registerBuildCommand,
  runBuild,
  type BuildDependencies,
  type BuildOptions,
} from './build.ts'

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const run = promisify(execFile)

let root: string
let feed: string

function exportRecord(
  id: string,
  value: string,
  fields: Record<string, unknown> = {},
) {
  return [
    id,
    [
      {
        ioc_value: value,
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
      },
    ],
  ]
}

const SMALL_FEED = Object.fromEntries([
  exportRecord('reference-dcrat-1', '94.26.90.55:8888'),
  exportRecord('reference-dcrat-2', '93.177.103.55:9999'),
  exportRecord('1000001', '203.0.300.17:443'),
  exportRecord('1000002', '203.0.113.9:70000'),
  exportRecord('1000003', '198.51.100.7:443', { confidence_level: 50 }),
])

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'huntpack-build-'))
  feed = path.join(root, 'feed.json')
  await fs.writeFile(feed, JSON.stringify(SMALL_FEED))
})

after(async () => {
  await fs.rm(root, { recursive: true, force: true })
})

interface Captured {
  stdout: string
  stderr: string
}

function fakeFamilyHunts(family: FamilyIndicators) {
  const observables = [...new Set(family.indicators.map(observableOf))]
  return observables.map((observable) =>
    fakeHunt(family.indicators.filter((i) => observableOf(i) === observable)),
  )
}

/** Returns build dependencies with fake hunts and captured output. */
function fakeDependencies(
  captured: Captured,
  overrides: Partial<BuildDependencies> = {},
): BuildDependencies {
  return {
    ingestFeeds,
    createStages: () => ({
      buildFamilyHunts: fakeFamilyHunts,
      validateQuery: () => [],
    }),
    stdout: { write: (text: string) => (captured.stdout += text) },
    stderr: {
      write: (text: string) => (captured.stderr += text),
      isTTY: false,
    },
    env: {},
    ...overrides,
  }
}

function options(out: string, extra: Partial<BuildOptions> = {}): BuildOptions {
  return { out, lookback: '14d', verbose: false, ...extra }
}

/** Reads every file under `directory` as relative path and text, sorted by path. */
async function readTree(directory: string): Promise<[string, string][]> {
  const entries = await fs.readdir(directory, {
    recursive: true,
    withFileTypes: true,
  })
  const files = entries.filter((e) => e.isFile())
  const tree = await Promise.all(
    files.map(async (e): Promise<[string, string]> => {
      const full = path.join(e.parentPath, e.name)
      return [path.relative(directory, full), await fs.readFile(full, 'utf8')]
    }),
  )
  return tree.sort((a, b) => (a[0] < b[0] ? -1 : 1))
}

test('build summary output', async () => {
  const captured = { stdout: '', stderr: '' }
  const out = path.join(root, 'summary-out')
  await runBuild([feed], options(out), fakeDependencies(captured))
  assert.equal(
    captured.stdout,
    'Read 5 records from 1 feed file: 3 accepted, 0 merged into an indicator already read, 2 rejected.\n' +
      `Rejected 2 records, by reason (each one with its file, record id and value is under "rejected" in ${out}/index.json):\n` +
      '  1  invalid IPv4 address\n' +
      '  1  invalid port\n' +
      `Left out 1 indicator that the allow-list covers, by list (each one with its reason is under "suppressed" in ${out}/index.json):\n` +
      '  1  reserved ranges (documentation)\n' +
      `Wrote 1 family package with 1 hunting query to ${out} (index: ${out}/index.json).\n`,
  )
})

test('verbose summary lists families', async () => {
  const captured = { stdout: '', stderr: '' }
  const out = path.join(root, 'verbose-out')
  const dependencies = fakeDependencies(captured, {
    createStages: () => ({
      buildFamilyHunts: fakeFamilyHunts,
      validateQuery: () => [
        {
          severity: 'suggestion',
          message: 'slow operator',
          line: 1,
          column: 1,
          start: 0,
          length: 3,
        },
      ],
    }),
  })
  await runBuild([feed], options(out, { verbose: true }), dependencies)
  assert.ok(
    captured.stdout.endsWith(
      '  dcrat/: DCRat, 2 indicators, 1 query\n' +
        '  dcrat/DeviceNetworkEvents-ip-port.kql:1:1: suggestion: slow operator ["let"] (family DCRat)\n',
    ),
    captured.stdout,
  )
})

test('no feed reads bundled sample', async () => {
  const out = path.join(root, 'bundled-out')
  let paths: string[] = []
  const dependencies = fakeDependencies(
    { stdout: '', stderr: '' },
    {
      ingestFeeds: async (given, ingestOptions) => {
        paths = given
        return ingestFeeds([feed], ingestOptions)
      },
    },
  )
  await runBuild([], options(out), dependencies)
  assert.deepEqual(paths, [
    path.join(PACKAGE_ROOT, 'samples', 'threatfox-recent.json'),
  ])
  const index = JSON.parse(
    await fs.readFile(path.join(out, 'index.json'), 'utf8'),
  )
  assert.deepEqual(index.inputs, ['samples/threatfox-recent.json'])
})

test('build quiet on non-TTY stderr', async () => {
  const captured = { stdout: '', stderr: '' }
  await runBuild(
    [feed],
    options(path.join(root, 'quiet-out')),
    fakeDependencies(captured),
  )
  assert.equal(captured.stderr, '')
})

test('build min-confidence rejects', async () => {
  const captured = { stdout: '', stderr: '' }
  const out = path.join(root, 'confidence-out')
  await runBuild(
    [feed],
    options(out, { minConfidence: 75 }),
    fakeDependencies(captured),
  )
  const index = JSON.parse(
    await fs.readFile(path.join(out, 'index.json'), 'utf8'),
  )
  assert.deepEqual(index.totals, {
    read: 5,
    accepted: 2,
    merged: 0,
    rejected: 3,
  })
  assert.equal(
    index.rejected[2].reason,
    'confidence 50 is below the minimum 75',
  )
})

test('build output is reproducible', async () => {
  const first = path.join(root, 'repro-1')
  const second = path.join(root, 'repro-2')
  await runBuild(
    [feed],
    options(first),
    fakeDependencies({ stdout: '', stderr: '' }),
  )
  await runBuild(
    [feed],
    options(second),
    fakeDependencies({ stdout: '', stderr: '' }),
  )
  assert.deepEqual(await readTree(second), await readTree(first))
})

test('build replaces earlier output', async () => {
  const out = path.join(root, 'rebuild-out')
  await runBuild(
    [feed],
    options(out),
    fakeDependencies({ stdout: '', stderr: '' }),
  )
  const before = await readTree(out)
  await fs.writeFile(path.join(out, 'dcrat', 'stale.kql'), 'old')
  await runBuild(
    [feed],
    options(out),
    fakeDependencies({ stdout: '', stderr: '' }),
  )
  assert.deepEqual(await readTree(out), before)
  assert.deepEqual(
    (await fs.readdir(root)).filter((n) => n.startsWith('rebuild-out.')),
    [],
  )
})

test('invalid query writes nothing', async () => {
  const out = path.join(root, 'invalid-out')
  await runBuild(
    [feed],
    options(out),
    fakeDependencies({ stdout: '', stderr: '' }),
  )
  const before = await readTree(out)
  const failing = fakeDependencies(
    { stdout: '', stderr: '' },
    {
      createStages: () => ({
        buildFamilyHunts: (family) =>
          fakeFamilyHunts(family).map((hunt) => ({
            ...hunt,
            text: `${hunt.text}\n| where`,
          })),
        validateQuery: (text) => KqlValidator.shared().validate(text),
      }),
    },
  )
  await assert.rejects(
    runBuild([feed], options(out), failing),
    (error: unknown) => {
      assert.ok(error instanceof QueryValidationError)
      assert.match(
        error.message,
        /\n  dcrat\/DeviceNetworkEvents-ip-port\.kql:6:8: error: .+ \(family DCRat\)\n/,
      )
      return true
    },
  )
  assert.deepEqual(await readTree(out), before)
  assert.deepEqual(
    (await fs.readdir(root)).filter((n) => n.startsWith('invalid-out.')),
    [],
  )
})

test('invalid query into new folder', async () => {
  const out = path.join(root, 'never-out')
  const failing = fakeDependencies(
    { stdout: '', stderr: '' },
    {
      createStages: () => ({
        buildFamilyHunts: fakeFamilyHunts,
        validateQuery: () => [
          {
            severity: 'error',
            message: 'bad',
            line: 1,
            column: 1,
            start: 0,
            length: 0,
          },
        ],
      }),
    },
  )
  await assert.rejects(
    runBuild([feed], options(out), failing),
    QueryValidationError,
  )
  await assert.rejects(fs.stat(out), { code: 'ENOENT' })
})

test('missing feed file', async () => {
  const out = path.join(root, 'missing-feed-out')
  const missing = path.join(root, 'no-such-feed.json')
  await assert.rejects(
    runBuild(
      [missing],
      options(out),
      fakeDependencies({ stdout: '', stderr: '' }),
    ),
    (error: unknown) =>
      error instanceof FeedError && error.message.includes(missing),
  )
  await assert.rejects(fs.stat(out), { code: 'ENOENT' })
})

test('output path is a file', async () => {
  const out = path.join(root, 'a-file')
  await fs.writeFile(out, 'keep')
  await assert.rejects(
    runBuild(
      [feed],
      options(out),
      fakeDependencies({ stdout: '', stderr: '' }),
    ),
    OutputDirectoryError,
  )
  assert.equal(await fs.readFile(out, 'utf8'), 'keep')
})

test('foreign output folder kept', async () => {
  const out = path.join(root, 'foreign-out')
  await fs.mkdir(out)
  await fs.writeFile(path.join(out, 'notes.txt'), 'mine')
  await assert.rejects(
    runBuild(
      [feed],
      options(out),
      fakeDependencies({ stdout: '', stderr: '' }),
    ),
    /is not empty and has no index\.json written by huntpack/,
  )
  assert.deepEqual(await fs.readdir(out), ['notes.txt'])
})

test('command parses options', async () => {
  let received: BuildOptions | undefined
  const program = new Command('huntpack').exitOverride()
  registerBuildCommand(program, {
    ...fakeDependencies({ stdout: '', stderr: '' }),
    ingestFeeds: async () => {
      throw new Error('stop after parsing')
    },
  })
  program.commands[0]!.hook('preAction', (_, action) => {
    received = action.opts() as BuildOptions
  })
  await assert.rejects(
    program.parseAsync(
      [
        'build',
        feed,
        '--out',
        'x',
        '--min-confidence',
        '80',
        '--lookback',
        '36h',
      ],
      {
        from: 'user',
      },
    ),
    /stop after parsing/,
  )
  const { out, minConfidence, lookback, verbose } = received!
  assert.deepEqual(
    { out, minConfidence, lookback, verbose },
    { out: 'x', minConfidence: 80, lookback: '36h', verbose: false },
  )
})

test('command rejects bad lookback', async () => {
  const program = new Command('huntpack')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
  registerBuildCommand(program, fakeDependencies({ stdout: '', stderr: '' }))
  await assert.rejects(
    program.parseAsync(['build', '--out', 'x', '--lookback', '2w'], {
      from: 'user',
    }),
    { code: 'commander.invalidArgument', exitCode: 1 },
  )
})

test('CLI exits 1 on missing feed', async () => {
  const out = path.join(root, 'cli-missing-out')
  const result = await run(
    process.execPath,
    ['bin/huntpack.js', 'build', path.join(root, 'nope.json'), '--out', out],
    { cwd: PACKAGE_ROOT },
  ).catch((error: { code: number; stderr: string }) => error)
  assert.equal((result as { code: number }).code, 1)
  assert.match(
    (result as { stderr: string }).stderr,
    /^huntpack: .*nope\.json: cannot read the file/,
  )
  await assert.rejects(fs.stat(out), { code: 'ENOENT' })
})

// The expected numbers were computed from the fixture itself, independently
// of huntpack, with:
// python3 -c "import json,collections; d=json.load(open('test/fixtures/threatfox/threatfox-export-json-recent-4488.json')); r=[x for v in d.values() for x in v]; k={(x['malware_printable'] or 'Unknown malware', x['ioc_type'], x['ioc_value'].strip().lower()) for x in r}; c=collections.Counter(f for f,_,_ in k); print(len(r), len(k), len(r)-len(k), len(c), c['DCRat'], c['Cobalt Strike'], c['Unknown malware'])"
// which prints 4490 4488 2 92 106 1398 386. The only non-global address in
// the fixture is the Cobalt Strike C2 100.110.56.1:8000 (python3 ipaddress
// is_global), which is in the shared address space 100.64.0.0/10 of RFC
// 6598, so the default allow-list leaves it out and Cobalt Strike keeps 1397.
test('full sample build', async () => {
  const out = path.join(root, 'sample-out')
  const fixture =
    'test/fixtures/threatfox/threatfox-export-json-recent-4488.json'
  const { stdout, stderr } = await run(
    process.execPath,
    ['bin/huntpack.js', 'build', fixture, '--out', out],
    { cwd: PACKAGE_ROOT, env: { ...process.env, CI: '1' }, maxBuffer: 1 << 24 },
  )
  assert.equal(stderr, '')
  assert.equal(
    stdout.split('\n')[0],
    'Read 4,490 records from 1 feed file: 4,488 accepted, 2 merged into an indicator already read, 0 rejected.',
  )

  const index = JSON.parse(
    await fs.readFile(path.join(out, 'index.json'), 'utf8'),
  )
  assert.deepEqual(index.inputs, [fixture])
  assert.deepEqual(index.totals, {
    read: 4490,
    accepted: 4488,
    merged: 2,
    rejected: 0,
  })
  assert.equal(index.families.length, 92)
  const counts = Object.fromEntries(
    index.families.map((f: { name: string; indicators: number }) => [
      f.name,
      f.indicators,
    ]),
  )
  assert.equal(counts['DCRat'], 106)
  assert.equal(counts['Cobalt Strike'], 1397)
  assert.deepEqual(
    index.suppressed.map(
      (s: { family: string; value: string; port: number }) => [
        s.family,
        s.value,
        s.port,
      ],
    ),
    [['Cobalt Strike', '100.110.56.1', 8000]],
  )
  assert.equal(counts['Unknown malware'], 386)

  const folders = (await fs.readdir(out, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  const slugs = index.families.map((f: { slug: string }) => f.slug).sort()
  assert.deepEqual(folders, slugs)

  const readme = await fs.readFile(path.join(out, 'dcrat', 'README.md'), 'utf8')
  assert.match(
    readme,
    /\n\| `94\[\.\]26\[\.\]90\[\.\]55:8888` \| ip:port \| 8888 \| botnet\\_cc \|/,
  )
  assert.match(
    readme,
    /\n\| `93\[\.\]177\[\.\]103\[\.\]55:9999` \| ip:port \| 9999 \| botnet\\_cc \|/,
  )
  const csv = await fs.readFile(
    path.join(out, 'dcrat', 'indicators.csv'),
    'utf8',
  )
  assert.match(csv, /\nip,94\.26\.90\.55,8888,DCRat,/)
  assert.match(csv, /\nip,93\.177\.103\.55,9999,DCRat,/)
  const networkQuery = await fs.readFile(
    path.join(out, 'dcrat', 'DeviceNetworkEvents-ip-port.kql'),
    'utf8',
  )
  assert.ok(networkQuery.includes('"94.26.90.55:8888"'))
  assert.ok(networkQuery.includes('"93.177.103.55:9999"'))

  for (const family of index.families as {
    slug: string
    queries: { file: string }[]
  }[]) {
    const familyReadme = await fs.readFile(
      path.join(out, family.slug, 'README.md'),
      'utf8',
    )
    for (const query of family.queries) {
      const text = await fs.readFile(path.join(out, query.file), 'utf8')
      assert.ok(familyReadme.includes(`\`\`\`kql\n${text}\`\`\``), query.file)
    }
  }
})
