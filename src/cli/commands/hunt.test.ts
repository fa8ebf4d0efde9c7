import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'

import { loadLogs } from '../../logs/load-logs.ts'
import {
  HuntQueryFailuresError,
  parseNow,
  runHuntCommand,
  type HuntDependencies,
} from './hunt.ts'

const CONN = new URL(
  '../../../test/fixtures/logs/logs-zeek/trickbot-2018-11-09-conn.log',
  import.meta.url,
)

const QUERY = `let ips = dynamic(["203.0.113.9"]);
ASimNetworkSessionLogs
| where TimeGenerated > ago(3650d)
| where DstIpAddr in (ips) or SrcIpAddr in (ips)
| project TimeGenerated, SrcIpAddr, DstIpAddr`

function capture(): { text: string; write(chunk: string): void } {
  return {
    text: '',
    write(chunk: string) {
      this.text += chunk
    },
  }
}

describe('huntpack hunt', () => {
  let dir: string
  let logFile: string
  let packages: string

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'huntpack-hunt-cli-'))
    const lines = (await readFile(CONN, 'utf8')).split('\n')
    logFile = path.join(dir, 'conn.log')
    await writeFile(
      logFile,
      [
        ...lines.slice(0, 8),
        lines[8]!.replace('172.16.9.5', '203.0.113.9'),
        lines[9]!,
      ].join('\n') + '\n',
    )
    packages = path.join(dir, 'packages')
    await mkdir(path.join(packages, 'plant-rat'), { recursive: true })
    await writeFile(
      path.join(packages, 'plant-rat', 'ASimNetworkSessionLogs-ip.kql'),
      QUERY,
    )
    await writeFile(
      path.join(packages, 'plant-rat', 'broken.kql'),
      'ASimNetworkSessionLogs | join (DnsEvents) on Type',
    )
    await writeFile(
      path.join(packages, 'index.json'),
      JSON.stringify({
        families: [
          {
            name: 'PlantRat',
            slug: 'plant-rat',
            queries: [{ file: 'plant-rat/ASimNetworkSessionLogs-ip.kql' }],
          },
        ],
      }),
    )
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  function dependencies(stdout = capture()): HuntDependencies {
    return {
      loadLogs,
      stdout,
      stderr: capture(),
      env: { CI: 'true' },
      clock: () => new Date('2026-05-01T00:00:00Z'),
    }
  }

  test('writes findings and prints a summary', async () => {
    const out = path.join(dir, 'out')
    const stdout = capture()
    await runHuntCommand(
      { packages, logs: [logFile], out },
      dependencies(stdout),
    )
    assert.equal(
      stdout.text,
      [
        'Loaded 2 log rows from 1 files (0 unparsed lines, 0 values not loaded as written).',
        '  ASimNetworkSessionLogs: 2',
        'Ran 1 of 1 queries.',
        'Findings: 1.',
        '  PlantRat: 1',
        `Wrote ${path.join(out, 'findings.json')}, ${path.join(out, 'findings.csv')}, ${path.join(out, 'report.md')}.`,
        '',
      ].join('\n'),
    )
    const csv = (await readFile(path.join(out, 'findings.csv'), 'utf8')).split(
      '\r\n',
    )
    assert.equal(
      csv[1],
      `PlantRat,203.0.113.9,,DstIpAddr,ASimNetworkSessionLogs,2018-11-02T00:05:37.618Z,,172.16.9.233,203.0.113.9,,plant-rat/ASimNetworkSessionLogs-ip.kql,,${logFile},9`,
    )
    const json = JSON.parse(
      await readFile(path.join(out, 'findings.json'), 'utf8'),
    )
    assert.equal(json.findings.length, 1)
  })

  test('a failing query fails the run after writing', async () => {
    const out = path.join(dir, 'out-failed')
    await assert.rejects(
      runHuntCommand(
        {
          query: path.join(packages, 'plant-rat', 'broken.kql'),
          logs: [logFile],
          out,
        },
        dependencies(),
      ),
      HuntQueryFailuresError,
    )
    const report = await readFile(path.join(out, 'report.md'), 'utf8')
    assert.match(report, /operator join is not supported/)
  })

  test('unknown family', async () => {
    await assert.rejects(
      runHuntCommand(
        { packages, logs: [logFile], out: path.join(dir, 'x'), family: 'nope' },
        dependencies(),
      ),
      /no family named "nope"/,
    )
  })
})

describe('parseNow', () => {
  test('zone-less time is UTC', () => {
    assert.equal(
      parseNow('2026-05-01T12:00').toISOString(),
      '2026-05-01T12:00:00.000Z',
    )
  })
  test('date only', () => {
    assert.equal(
      parseNow('2026-05-01').toISOString(),
      '2026-05-01T00:00:00.000Z',
    )
  })
  test('offset', () => {
    assert.equal(
      parseNow('2026-05-01T12:00:00+02:00').toISOString(),
      '2026-05-01T10:00:00.000Z',
    )
  })
  test('rejects text', () => {
    assert.throws(() => parseNow('yesterday'), /ISO 8601/)
  })
})
