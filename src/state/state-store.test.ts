import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ingestFeeds } from '../feeds/ingest-feeds.ts'
import { defaultStatePath } from './default-state-path.ts'
import { StateLockedError } from './state-lock.ts'
import { StateFileError, StateStore } from './state-store.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const API_FIXTURE = join(
  ROOT,
  'test/fixtures/threatfox/threatfox-api-get_iocs-response-small.json',
)
const JSON_FIXTURE = join(
  ROOT,
  'test/fixtures/threatfox/threatfox-export-json-recent-4488.json',
)

const tempDir = mkdtempSync(join(tmpdir(), 'huntpack-state-'))
after(() => rmSync(tempDir, { recursive: true, force: true }))

let counter = 0
function statePath(): string {
  counter += 1
  return join(tempDir, `state-${counter}`, 'state.duckdb')
}

async function seed(store: StateStore): Promise<void> {
  const { indicators } = await ingestFeeds([API_FIXTURE])
  await store.transaction(async () => {
    await store.saveIndicators(
      indicators.map((indicator) => ({
        indicator,
        status: 'active',
        addedRun: 1,
        changedRun: 1,
      })),
    )
    await store.insertRun({
      id: 1,
      started: '2026-04-12T00:00:00Z',
      finished: '2026-04-12T00:00:01Z',
      command: 'ingest',
      sources: [API_FIXTURE],
      lifecycleNow: '2026-04-12T00:00:00Z',
      counts: { read: 2 },
    })
  })
}

describe('StateStore', () => {
  test('creates folders and tables', async () => {
    const path = statePath()
    const store = await StateStore.open(path, { command: 'test' })
    assert.deepEqual(await store.listRuns(), [])
    assert.deepEqual(await store.countByStatus(), {
      active: 0,
      expired: 0,
      'allow-listed': 0,
      'below-confidence': 0,
    })
    store.close()
    assert.equal(existsSync(path), true)
  })

  test('indicators round-trip', async () => {
    const store = await StateStore.open(statePath(), { command: 'test' })
    await seed(store)
    const { indicators } = await ingestFeeds([API_FIXTURE])
    const loaded = await store.loadIndicators()
    assert.deepEqual(
      loaded.map((item) => item.indicator),
      [...indicators].sort((a, b) => (a.key < b.key ? -1 : 1)),
    )
    assert.equal(loaded[0].status, 'active')
    store.close()
  })

  test('runs persist across opens', async () => {
    const path = statePath()
    const first = await StateStore.open(path, { command: 'test' })
    await seed(first)
    first.close()

    const second = await StateStore.open(path, { command: 'test' })
    const runs = await second.listRuns()
    assert.equal(runs.length, 1)
    assert.deepEqual(runs[0].sources, [API_FIXTURE])
    assert.deepEqual(runs[0].counts, { read: 2 })
    second.close()
  })

  test('rejected transaction leaves nothing', async () => {
    const store = await StateStore.open(statePath(), { command: 'test' })
    const { indicators } = await ingestFeeds([API_FIXTURE])
    await assert.rejects(
      store.transaction(async () => {
        await store.saveIndicators(
          indicators.map((indicator) => ({
            indicator,
            status: 'active',
            addedRun: 1,
            changedRun: 1,
          })),
        )
        throw new Error('fault after write')
      }),
      /fault after write/,
    )
    assert.equal((await store.loadIndicators()).length, 0)
    store.close()
  })

  test('status updates change only named keys', async () => {
    const store = await StateStore.open(statePath(), { command: 'test' })
    await seed(store)
    const [first, second] = await store.loadStatusRows()
    await store.transaction(() =>
      store.updateStatuses([
        {
          key: first.key,
          status: 'expired',
          statusReason: 'test',
          changedRun: 2,
        },
      ]),
    )
    const rows = await store.loadStatusRows()
    assert.equal(rows.find((row) => row.key === first.key)?.status, 'expired')
    assert.equal(
      rows.find((row) => row.key === first.key)?.statusReason,
      'test',
    )
    assert.equal(rows.find((row) => row.key === second.key)?.status, 'active')
    store.close()
  })

  test('second open is locked', async () => {
    const path = statePath()
    const store = await StateStore.open(path, { command: 'fetch' })
    await assert.rejects(
      StateStore.open(path, { command: 'ingest' }),
      (error: unknown) => {
        assert.ok(error instanceof StateLockedError)
        assert.match(
          error.message,
          new RegExp(`in use by process ${process.pid} \\(huntpack fetch`),
        )
        return true
      },
    )
    store.close()
  })

  test('stale lock is taken over', async () => {
    const path = statePath()
    const store = await StateStore.open(path, { command: 'test' })
    store.close()
    // No process has pid 2^22 + 1 on Linux, whose pid_max is at most 2^22.
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({
        pid: 4_194_305,
        command: 'ingest',
        started: '2026-04-12T00:00:00Z',
      }),
    )
    const reopened = await StateStore.open(path, { command: 'test' })
    assert.equal(
      JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid,
      process.pid,
    )
    reopened.close()
    assert.equal(existsSync(`${path}.lock`), false)
  })

  test('not a database file', async () => {
    const path = statePath()
    await StateStore.open(path, { command: 'test' }).then((store) =>
      store.close(),
    )
    writeFileSync(path, 'this is not a DuckDB file\n'.repeat(100))
    await assert.rejects(
      StateStore.open(path, { command: 'test' }),
      StateFileError,
    )
  })

  test('SIGKILL mid-transaction keeps last commit', async () => {
    const path = statePath()
    const store = await StateStore.open(path, { command: 'test' })
    await seed(store)
    store.close()

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test/support/state-transaction-child.ts'),
        path,
        JSON_FIXTURE,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('in-transaction')) resolve()
      })
      child.on('exit', (code) =>
        reject(
          new Error(`child exited with ${code} before the kill: ${stderr}`),
        ),
      )
    })
    const exited = new Promise((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    )
    child.kill('SIGKILL')
    assert.equal(await exited, 'SIGKILL')

    const reopened = await StateStore.open(path, { command: 'test' })
    assert.equal((await reopened.listRuns()).length, 1)
    assert.equal((await reopened.loadIndicators()).length, 2)
    reopened.close()
  })
})

describe('defaultStatePath', () => {
  test('XDG_STATE_HOME', () => {
    assert.equal(
      defaultStatePath({ XDG_STATE_HOME: '/var/state' }, '/home/h'),
      '/var/state/huntpack/state.duckdb',
    )
  })

  test('home fallback', () => {
    assert.equal(
      defaultStatePath({}, '/home/h'),
      '/home/h/.local/state/huntpack/state.duckdb',
    )
  })

  test('relative XDG_STATE_HOME ignored', () => {
    assert.equal(
      defaultStatePath({ XDG_STATE_HOME: 'state' }, '/home/h'),
      '/home/h/.local/state/huntpack/state.duckdb',
    )
  })
})
