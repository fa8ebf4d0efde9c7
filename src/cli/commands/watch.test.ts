import assert from 'node:assert/strict'
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { after, before, beforeEach, describe, test } from 'node:test'
import {
  cliEnv,
  runCli,
  startCli,
  startTsScript,
} from '../../../test/support/run-cli.ts'
import { writeThreatFoxExport } from '../../../test/support/threatfox-export-file.ts'
import {
  startThreatFoxMockServer,
  type ThreatFoxMockServer,
} from '../../../test/support/threatfox-mock-server.ts'
import { Allowlist } from '../../allowlist/allowlist.ts'
import { ingestIntoState } from '../../lifecycle/ingest-into-state.ts'
import { DEFAULT_LIFECYCLE_POLICY } from '../../lifecycle/lifecycle-policy.ts'
import { StateStore } from '../../state/state-store.ts'
import { parseInterval } from './watch.ts'

const AUTH_KEY = 'tf-watch-secret-0c4f7d'
const tempDir = mkdtempSync(join(tmpdir(), 'huntpack-watch-'))
const statePath = join(tempDir, 'state.duckdb')
const out = join(tempDir, 'packages')

let server: ThreatFoxMockServer
const outputs: string[] = []

function keep<T extends { stdout: string; stderr: string }>(result: T): T {
  outputs.push(result.stdout, result.stderr)
  return result
}

before(async () => {
  server = await startThreatFoxMockServer({ authKey: AUTH_KEY, slowMs: 20_000 })
})

after(async () => {
  await server.close()
  rmSync(tempDir, { recursive: true, force: true })
})

beforeEach(() => {
  server.clearFaults()
  server.requests.length = 0
})

const env = () =>
  cliEnv({
    THREATFOX_API_URL: server.apiUrl,
    THREATFOX_EXPORT_URL: server.exportUrl,
    THREATFOX_AUTH_KEY: AUTH_KEY,
  })

// The fixture's two IOCs were first seen in January 2022.
const WATCH_ARGS = [
  'watch',
  '--every',
  '1h',
  '--out',
  out,
  '--state',
  statePath,
  '--now',
  '2022-01-10',
  '--backoff-base',
  '10',
]

/** Returns every file below the output folder with its bytes and modification time. */
function outputSnapshot(): Record<string, string> {
  const result: Record<string, string> = {}
  for (const name of readdirSync(out, {
    recursive: true,
    encoding: 'utf8',
  }).sort()) {
    const path = join(out, name)
    const stat = statSync(path)
    result[name] = stat.isFile()
      ? `${stat.mtimeMs} ${readFileSync(path, 'utf8')}`
      : 'folder'
  }
  return result
}

async function stateSummary(): Promise<{ runs: number; builds: number }> {
  const store = await StateStore.open(statePath, { command: 'test' })
  try {
    return {
      runs: (await store.listRuns()).length,
      builds: await store.lastBuildId(),
    }
  } finally {
    store.close()
  }
}

describe('huntpack watch', () => {
  test('one cycle fetches and builds', async () => {
    const result = keep(await runCli([...WATCH_ARGS, '--once'], env()))
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stdout,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ cycle 1 run 1 build 1: fetched 2 records \(ThreatFox API get_iocs days=1\); 2 added, 0 updated, 0 expired, 0 allow-listed, 0 rejected; 2 active; 2 families rewritten, 0 kept, 0 removed\n$/,
    )
    assert.deepEqual(readdirSync(out).sort(), [
      'ave-maria',
      'cobalt-strike',
      'index.json',
    ])
  })

  test('failed fetch keeps last good packages', async () => {
    const before = outputSnapshot()
    const summary = await stateSummary()
    server.queueFaults('truncated')
    const result = keep(await runCli([...WATCH_ARGS, '--once'], env()))
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /cycle 1 failed \(no run recorded; previous packages kept\): ThreatFox API response is not complete JSON/,
    )
    assert.deepEqual(outputSnapshot(), before)
    assert.deepEqual(await stateSummary(), summary)
  })

  test('retried fault still completes the cycle', async () => {
    const before = outputSnapshot()
    server.queueFaults('bad-gateway')
    const result = keep(await runCli([...WATCH_ARGS, '--once'], env()))
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stdout,
      / 0 added, 0 updated, .* 0 families rewritten, 2 kept, 0 removed\n$/,
    )
    assert.deepEqual(outputSnapshot(), before)
  })

  test('SIGTERM stops the loop with status 0', async () => {
    const watch = startCli(WATCH_ARGS, env())
    await watch.waitFor(/cycle 1 run \d+ build \d+:/)
    watch.child.kill('SIGTERM')
    const result = keep(await watch.exited)
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stderr,
      /SIGTERM received; stopping after the current step\n/,
    )
    assert.match(result.stderr, /watch stopped\n$/)
  })

  test('SIGINT during download abandons the cycle', async () => {
    const summary = await stateSummary()
    server.queueFaults('slow')
    const watch = startCli(WATCH_ARGS, env())
    while (server.requests.length === 0) await delay(50)
    watch.child.kill('SIGINT')
    const result = keep(await watch.exited)
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stderr,
      /cycle 1 abandoned \(no run recorded; previous packages kept\): ThreatFox API request to .* was cancelled\./,
    )
    assert.deepEqual(await stateSummary(), summary)
  })

  test('SIGKILL mid-write keeps old output', async () => {
    // Give one family a new indicator, so the build rewrites its folder.
    const store = await StateStore.open(statePath, { command: 'test' })
    const feed = writeThreatFoxExport(tempDir, 'extra.json', [
      {
        id: '900001',
        value: '203.0.113.50:4444',
        type: 'ip:port',
        family: 'Cobalt Strike',
        firstSeen: '2022-01-09 00:00:00',
      },
    ])
    await ingestIntoState(store, {
      command: 'ingest',
      paths: [feed],
      policy: DEFAULT_LIFECYCLE_POLICY,
      allowlist: Allowlist.load({ reservedRanges: [] }),
      now: new Date('2022-01-10T00:00:00Z'),
    })
    store.close()
    const before = outputSnapshot()
    const summary = await stateSummary()

    const child = startTsScript('test/support/slow-build-child.ts', [
      statePath,
      out,
      '2022-01-10T00:00:00Z',
    ])
    await child.waitFor(/^wrote /m)
    child.child.kill('SIGKILL')
    const result = await child.exited
    assert.equal(result.signal, 'SIGKILL')

    assert.deepEqual(outputSnapshot(), before)
    assert.equal((await stateSummary()).builds, summary.builds)
  })

  test('Auth-Key never printed or saved', () => {
    assert.ok(outputs.length >= 8, 'expected the outputs of every run')
    for (const [index, text] of outputs.entries()) {
      assert.equal(
        text.includes(AUTH_KEY),
        false,
        `output ${index} contains the key`,
      )
    }
    const files = readdirSync(tempDir, { recursive: true, encoding: 'utf8' })
      .map((name) => join(tempDir, name))
      .filter((path) => statSync(path).isFile())
    for (const file of files) {
      assert.equal(
        readFileSync(file).includes(AUTH_KEY),
        false,
        `${file} contains the key`,
      )
    }
  })
})

describe('parseInterval', () => {
  test('units', () => {
    assert.deepEqual(
      ['30s', '15m', '1h', '2d'].map(parseInterval),
      [30_000, 900_000, 3_600_000, 172_800_000],
    )
  })

  test('invalid interval', () => {
    assert.throws(
      () => parseInterval('1.5h'),
      /expected a whole number and a unit/,
    )
  })
})
