import assert from 'node:assert/strict'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, beforeEach, describe, test } from 'node:test'
import {
  cliEnv,
  runCli,
  type CliResult,
} from '../../../test/support/run-cli.ts'
import {
  startThreatFoxMockServer,
  type ThreatFoxMockServer,
} from '../../../test/support/threatfox-mock-server.ts'
import { StateStore } from '../../state/state-store.ts'

const AUTH_KEY = 'tf-cli-secret-5d1e8a2b9c'
const tempDir = mkdtempSync(join(tmpdir(), 'huntpack-fetch-cli-'))
const outputs: string[] = []

let server: ThreatFoxMockServer
let counter = 0

before(async () => {
  server = await startThreatFoxMockServer({
    authKey: AUTH_KEY,
    slowMs: 3_000,
    retryAfter: '0',
  })
})

after(async () => {
  await server.close()
  rmSync(tempDir, { recursive: true, force: true })
})

beforeEach(() => {
  // A request cut off by a client timeout may never take its fault.
  server.clearFaults()
  server.requests.length = 0
})

function newStatePath(): string {
  counter += 1
  return join(tempDir, `case-${counter}`, 'state.duckdb')
}

async function fetchCli(
  args: string[],
  statePath: string,
  key: string | null = AUTH_KEY,
): Promise<CliResult> {
  const env = cliEnv({
    THREATFOX_API_URL: server.apiUrl,
    THREATFOX_EXPORT_URL: server.exportUrl,
    ...(key === null ? {} : { THREATFOX_AUTH_KEY: key }),
  })
  const result = await runCli(
    [
      'fetch',
      'threatfox',
      '--state',
      statePath,
      '--now',
      '2022-01-10',
      '--backoff-base',
      '10',
      ...args,
    ],
    env,
  )
  outputs.push(result.stdout, result.stderr)
  return result
}

async function runCount(statePath: string): Promise<number> {
  const store = await StateStore.open(statePath, { command: 'test' })
  try {
    return (await store.listRuns()).length
  } finally {
    store.close()
  }
}

function filesBelow(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
}

describe('huntpack fetch threatfox', () => {
  test('get_iocs adds records to the state', async () => {
    const statePath = newStatePath()
    const result = await fetchCli(['--days', '1'], statePath)
    assert.equal(result.code, 0, result.stderr)
    const lines = result.stdout.split('\n')
    assert.match(
      lines[0],
      new RegExp(
        `^Fetched 2 IOC records from ThreatFox API get_iocs days=1; saved to ${statePath}\\.downloads/threatfox-\\d{8}T\\d{6}Z-get_iocs-1d\\.json$`,
      ),
    )
    assert.equal(
      lines[1],
      'Run 1: read 2 records, 2 indicators (0 merged, 0 rejected)',
    )
    assert.deepEqual(
      server.requests.map((request) => request.body),
      [{ query: 'get_iocs', days: 1 }],
    )
    assert.equal(await runCount(statePath), 1)
  })

  test('missing key explains how to set it', async () => {
    const statePath = newStatePath()
    const result = await fetchCli([], statePath, null)
    assert.equal(result.code, 1)
    assert.equal(
      result.stderr,
      'huntpack: THREATFOX_AUTH_KEY is not set. The ThreatFox API needs an Auth-Key: get one free at ' +
        'https://auth.abuse.ch/, then run `export THREATFOX_AUTH_KEY=<your key>` before huntpack. ' +
        'The bulk exports (fetch --export) need no key.\n',
    )
    assert.equal(server.requests.length, 0)
    assert.equal(existsSync(statePath), false)
  })

  test('rejected key leaves state unchanged', async () => {
    const statePath = newStatePath()
    await fetchCli([], statePath)
    const result = await fetchCli([], statePath, 'wrong-key-0000')
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /^huntpack: ThreatFox rejected the Auth-Key in THREATFOX_AUTH_KEY \(HTTP 401\)/,
    )
    assert.equal(await runCount(statePath), 1)
  })

  test('429 then success', async () => {
    server.queueFaults('rate-limited')
    const result = await fetchCli([], newStatePath())
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stderr,
      /: HTTP 429 Too Many Requests; retry 2 of 4 in 0\.0 s\n/,
    )
  })

  test('502 then success', async () => {
    server.queueFaults('bad-gateway')
    const result = await fetchCli([], newStatePath())
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /: HTTP 502 Bad Gateway; retry 2 of 4 in /)
  })

  test('timeouts exhaust attempts', async () => {
    const statePath = newStatePath()
    server.queueFaults('slow', 'slow')
    const result = await fetchCli(
      ['--timeout', '0.2', '--max-attempts', '2'],
      statePath,
    )
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /ThreatFox API failed on all 2 attempts \(timed out after 200 ms\)/,
    )
    assert.equal(await runCount(statePath), 0)
  })

  test('truncated JSON saves and records nothing', async () => {
    const statePath = newStatePath()
    server.queueFaults('truncated')
    const result = await fetchCli([], statePath)
    assert.equal(result.code, 1)
    assert.match(result.stderr, /ThreatFox API response is not complete JSON/)
    assert.equal(existsSync(`${statePath}.downloads`), false)
    assert.equal(await runCount(statePath), 0)
  })

  test('empty result records a run', async () => {
    const statePath = newStatePath()
    server.queueFaults('empty')
    const result = await fetchCli([], statePath)
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stdout,
      /^Fetched no IOCs \(the query matched nothing\) from ThreatFox API get_iocs days=1/,
    )
    assert.match(result.stdout, /\nRun 1: read 0 records, 0 indicators/)
  })

  test('days out of range is not sent', async () => {
    const result = await fetchCli(['--days', '9'], newStatePath())
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /argument '9' is invalid\. expected a whole number from 1 to 7\./,
    )
    assert.equal(server.requests.length, 0)
  })

  test('one request option at a time', async () => {
    const result = await fetchCli(
      ['--days', '2', '--malware', 'Remcos'],
      newStatePath(),
    )
    assert.equal(result.code, 1)
    assert.equal(
      result.stderr,
      'huntpack: Use only one of --days, --malware and --export.\n',
    )
  })

  test('malwareinfo query', async () => {
    const result = await fetchCli(
      ['--malware', 'Cobalt Strike'],
      newStatePath(),
    )
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(server.requests[0].body, {
      query: 'malwareinfo',
      malware: 'Cobalt Strike',
      limit: 1000,
    })
    assert.match(
      result.stdout,
      /^Fetched 1 IOC records from ThreatFox API malwareinfo malware="Cobalt Strike"/,
    )
  })

  test('full export is saved as ZIP and ingested', async () => {
    const statePath = newStatePath()
    const result = await fetchCli(
      ['--export', 'full-zip', '--now', '2026-04-12'],
      statePath,
      null,
    )
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stdout,
      /^Fetched 32 IOC records from ThreatFox export .*\/export\/csv\/full\/; saved to .*-export-full-zip\.zip\n/,
    )
    assert.match(result.stdout, /\nRun 1: read 32 records, 32 indicators/)
  })

  test('concurrent run fails clearly', async () => {
    const statePath = newStatePath()
    const holder = await StateStore.open(statePath, { command: 'ingest' })
    try {
      const result = await fetchCli([], statePath)
      assert.equal(result.code, 1)
      assert.match(
        result.stderr,
        new RegExp(
          `^huntpack: State file ${statePath} is in use by process ${process.pid} \\(huntpack ingest, started `,
        ),
      )
    } finally {
      holder.close()
    }
  })

  test('Auth-Key never printed or saved', async () => {
    server.queueFaults('echo-key')
    await fetchCli([], newStatePath())
    for (const [index, text] of outputs.entries()) {
      assert.equal(
        text.includes(AUTH_KEY),
        false,
        `output ${index} contains the key`,
      )
    }
    const files = filesBelow(tempDir)
    assert.ok(files.length > 5, 'expected state and download files to scan')
    for (const file of files) {
      assert.equal(
        readFileSync(file).includes(AUTH_KEY),
        false,
        `${file} contains the key`,
      )
    }
  })
})
