// Measures the engine of `huntpack hunt`. It generates a Zeek conn.log of
// about 150 MB in the system temp folder from the rows of the trickbot
// fixture, with addresses rotated and one row per round rewritten to an
// indicator. Then it loads the log and translates and runs the hunting
// queries rendered for three indicators.
// Usage: node --import tsx scripts/bench/local-hunt.ts [megabytes]
import { createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { DuckDBInstance } from '@duckdb/node-api'

import type { Indicator } from '../../src/indicators/indicator.ts'
import { runHunt } from '../../src/local-hunt/hunt-runner.ts'
import { translateKql } from '../../src/local-hunt/kql-query-translator.ts'
import { loadLogs } from '../../src/logs/load-logs.ts'
import { buildFamilyHunts } from '../../src/targets/kql/hunt-renderer.ts'

const megabytes = Number(process.argv[2] ?? '150')
const fixture = new URL(
  '../../test/fixtures/logs/logs-zeek/trickbot-2018-11-09-conn.log',
  import.meta.url,
)

const base = {
  family: 'BenchRat',
  aliases: [],
  threatType: 'botnet_cc',
  firstSeen: '2026-04-01T00:00:00Z',
  confidence: 100,
  tags: [],
  references: [],
  defanged: false,
  origins: [],
}
const indicators: Indicator[] = [
  {
    ...base,
    key: 'ip|203.0.113.9|8080',
    type: 'ip',
    value: '203.0.113.9',
    ipVersion: 4,
    port: 8080,
  },
  {
    ...base,
    key: 'ip|198.51.100.7',
    type: 'ip',
    value: '198.51.100.7',
    ipVersion: 4,
  },
  {
    ...base,
    key: 'domain|evil.example',
    type: 'domain',
    value: 'evil.example',
  },
]

const dir = await mkdtemp(path.join(os.tmpdir(), 'huntpack-bench-'))
try {
  const lines = (await readFile(fixture, 'utf8')).split('\n')
  const header = lines.filter(
    (l) => l.startsWith('#') && !l.startsWith('#close'),
  )
  const rows = lines.filter((l) => l && !l.startsWith('#'))
  const file = path.join(dir, 'conn.log')
  const out = createWriteStream(file)
  out.write(`${header.join('\n')}\n`)
  let written = 0
  let planted = 0
  for (let round = 0; written < megabytes * 1_000_000; round++) {
    const chunk: string[] = []
    for (const [i, row] of rows.entries()) {
      // Rotate the third octet so rows differ between rounds.
      let line = row.replace(
        /\t172\.16\.9\.(\d+)\t/,
        (_, host) => `\t172.16.${round % 250}.${host}\t`,
      )
      if (i === 100) {
        // Destination address and port are the fifth and sixth fields.
        const fields = line.split('\t')
        fields[4] = '203.0.113.9'
        fields[5] = '8080'
        line = fields.join('\t')
        planted++
      }
      chunk.push(line)
    }
    const text = `${chunk.join('\n')}\n`
    written += Buffer.byteLength(text)
    if (!out.write(text))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve) => out.end(() => resolve()))
  const size = (await stat(file)).size

  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  let started = performance.now()
  const load = await loadLogs(connection, [file])
  const loadSeconds = (performance.now() - started) / 1000

  const hunts = buildFamilyHunts('BenchRat', indicators, { lookback: '3650d' })
  const queries = hunts.map((h) => ({
    family: 'BenchRat',
    file: h.fileName,
    text: h.text,
  }))
  started = performance.now()
  for (const query of queries)
    translateKql(query.text, { queryName: query.file })
  const translateSeconds = (performance.now() - started) / 1000

  started = performance.now()
  const run = await runHunt(connection, queries, {
    now: new Date('2026-05-01T00:00:00Z'),
  })
  const runSeconds = (performance.now() - started) / 1000
  const networkRows = load.tables.ASimNetworkSessionLogs ?? 0
  const networkQueries = queries.filter((q) =>
    q.file.startsWith('_Im_NetworkSession'),
  ).length

  console.log(
    `log file: ${(size / 1e6).toFixed(1)} MB, ${load.totalRows} rows, ${planted} planted rows`,
  )
  console.log(
    `load: ${loadSeconds.toFixed(1)} s (${Math.round(load.totalRows / loadSeconds)} rows/s)`,
  )
  console.log(
    `translate ${queries.length} queries: ${translateSeconds.toFixed(1)} s`,
  )
  console.log(
    `run ${queries.length} queries (${networkQueries} over ${networkRows} network rows): ${runSeconds.toFixed(1)} s, ` +
      `${Math.round((networkRows * networkQueries) / runSeconds)} rows/s scanned by the network queries`,
  )
  console.log(
    `findings: ${run.findings.length}; failed queries: ${run.outcomes.filter((o) => o.status === 'failed').length}`,
  )
  connection.closeSync()
  instance.closeSync()
} finally {
  await rm(dir, { recursive: true, force: true })
}
