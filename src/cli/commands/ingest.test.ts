import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { after, describe, test } from 'node:test'
import { REPO_ROOT, runCli, startCli } from '../../../test/support/run-cli.ts'
import { writeThreatFoxExport } from '../../../test/support/threatfox-export-file.ts'
import { StateStore } from '../../state/state-store.ts'

const JSON_EXPORT = join(
  REPO_ROOT,
  'test/fixtures/threatfox/threatfox-export-json-recent-4488.json',
)
const API_RESPONSE = join(
  REPO_ROOT,
  'test/fixtures/threatfox/threatfox-api-get_iocs-response-small.json',
)

const tempDir = mkdtempSync(join(tmpdir(), 'huntpack-ingest-cli-'))
after(() => rmSync(tempDir, { recursive: true, force: true }))

let counter = 0
function newStatePath(): string {
  counter += 1
  return join(tempDir, `case-${counter}`, 'state.duckdb')
}

async function readState(statePath: string) {
  const store = await StateStore.open(statePath, { command: 'test' })
  try {
    return {
      runs: await store.listRuns(),
      indicators: (await store.loadIndicators()).length,
    }
  } finally {
    store.close()
  }
}

describe('huntpack ingest', () => {
  test('reports suppressed indicators with entry', async () => {
    const allowFile = join(tempDir, 'allow.txt')
    writeFileSync(allowFile, '192.0.2.53\n')
    const feed = writeThreatFoxExport(tempDir, 'edge.json', [
      {
        id: '13',
        value: '192.0.2.53:53',
        type: 'ip:port',
        family: 'Mirai',
        firstSeen: '2026-04-10 00:00:00',
      },
      {
        id: '14',
        value: 'github.com',
        type: 'domain',
        family: 'Lumma',
        firstSeen: '2026-04-10 00:00:00',
      },
      {
        id: '15',
        value: 'https://github.com/evil/x/raw/main/a.exe',
        type: 'url',
        family: 'Lumma',
        firstSeen: '2026-04-10 00:00:00',
      },
    ])
    const statePath = newStatePath()
    const result = await runCli([
      'ingest',
      feed,
      '--state',
      statePath,
      '--now',
      '2026-04-12',
      '--allowlist',
      allowFile,
      '--reserved-ranges',
      '-documentation',
    ])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        'Run 1: read 3 records, 3 indicators (0 merged, 0 rejected)',
        'Changes: 3 added, 0 updated, 0 expired, 2 allow-listed, 0 below confidence, 0 active again',
        `State ${statePath}: 1 active, 0 expired, 2 allow-listed, 0 below confidence`,
        'Allow-listed in this run (2):',
        '  domain "github.com" (Lumma): github.com matches github.com in popular domains, code hosting; a full URL on this domain is still hunted',
        `  ip "192.0.2.53" (Mirai): 192.0.2.53:53 matches 192.0.2.53 in user allow-list, ${allowFile} line 1; an address entry covers every port`,
        '',
      ].join('\n'),
    )
  })

  test('invalid allow-list line stops the run', async () => {
    const allowFile = join(tempDir, 'bad-allow.txt')
    writeFileSync(allowFile, '# ok\n192.0.2.1\n10.0.0.0/40\n')
    const statePath = newStatePath()
    const result = await runCli([
      'ingest',
      API_RESPONSE,
      '--state',
      statePath,
      '--allowlist',
      allowFile,
    ])
    assert.equal(result.code, 1)
    assert.equal(
      result.stderr,
      `huntpack: Allow-list ${allowFile} has 1 invalid line(s); fix or remove them:\n` +
        `  ${allowFile} line 3: "10.0.0.0/40": invalid CIDR block (expected an address, "/" and a prefix length)\n`,
    )
    assert.equal(existsSync(statePath), false)
  })

  test('missing feed leaves state unchanged', async () => {
    const statePath = newStatePath()
    await runCli(['ingest', API_RESPONSE, '--state', statePath])
    const result = await runCli([
      'ingest',
      join(tempDir, 'missing.json'),
      '--state',
      statePath,
    ])
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /missing\.json: cannot read the file \(ENOENT\)/,
    )
    assert.equal((await readState(statePath)).runs.length, 1)
  })

  test('SIGKILL mid-ingest leaves a consistent state', async () => {
    const statePath = newStatePath()
    await runCli([
      'ingest',
      API_RESPONSE,
      '--state',
      statePath,
      '--now',
      '2026-07-25',
    ])

    const ingest = startCli([
      'ingest',
      JSON_EXPORT,
      '--state',
      statePath,
      '--now',
      '2026-07-25',
    ])
    // The lock appears once the state is open, and the JSON takes seconds to read and store.
    while (!existsSync(`${statePath}.lock`)) await delay(20)
    await delay(1_500)
    ingest.child.kill('SIGKILL')
    const killed = await ingest.exited

    const state = await readState(statePath)
    const last = state.runs[state.runs.length - 1]
    const total =
      last.counts.totalActive +
      last.counts.totalExpired +
      last.counts.totalAllowListed +
      last.counts.totalBelowConfidence
    // Either the run committed whole or not at all.
    assert.ok(
      state.runs.length === 1 || state.runs.length === 2,
      `runs: ${state.runs.length}`,
    )
    assert.equal(state.indicators, total)
    assert.equal(state.indicators, state.runs.length === 1 ? 2 : 4490)
    assert.ok(killed.signal === 'SIGKILL' || killed.code === 0)
  })
})
