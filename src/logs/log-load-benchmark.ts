/**
 * Measures `loadLogs` throughput on a large generated Zeek conn log: the
 * data rows of the Trickbot conn.log fixture repeated, with each copy's
 * `ts` shifted so rows stay distinct, up to the requested size.
 * Usage: node --import tsx src/logs/log-load-benchmark.ts [MiB] [database]
 * (default 200 MiB, in-memory database). Writes the file under
 * os.tmpdir() and removes it afterwards.
 */
import { createWriteStream, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'

import { DuckDBInstance } from '@duckdb/node-api'

import { loadLogs } from './load-logs.ts'

const targetMiB = Number(process.argv[2] ?? 200)
const database = process.argv[3] ?? ':memory:'
const fixture = new URL(
  '../../test/fixtures/logs/logs-zeek/trickbot-2018-11-09-conn.log',
  import.meta.url,
)
const lines = readFileSync(fixture, 'utf8').split('\n')
const header = lines.filter((l) => l.startsWith('#') && !l.startsWith('#close'))
const rows = lines.filter((l) => l !== '' && !l.startsWith('#'))

const path = join(tmpdir(), `huntpack-bench-conn-${process.pid}.log`)
const out = createWriteStream(path)
let written = 0
const write = async (text: string) => {
  written += Buffer.byteLength(text)
  if (!out.write(text)) await once(out, 'drain')
}
await write(header.join('\n') + '\n')
for (let copy = 0; written < targetMiB * 1024 * 1024; copy++) {
  // A week per copy keeps timestamps distinct across copies.
  const shift = copy * 7 * 86400
  const block = rows
    .map((row) => {
      const tab = row.indexOf('\t')
      const [seconds, fraction] = row.slice(0, tab).split('.')
      return `${Number(seconds) + shift}.${fraction}${row.slice(tab)}`
    })
    .join('\n')
  await write(block + '\n')
}
out.end()
await once(out, 'finish')

try {
  const instance = await DuckDBInstance.create(database)
  const connection = await instance.connect()
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const report = await loadLogs(connection, [path])
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  // User plus system time of all threads (DuckDB's included), which other
  // load on a shared machine does not inflate the way it does wall time.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const mib = report.bytesRead / 1024 / 1024
  console.log(
    JSON.stringify({
      file: path,
      mebibytes: Number(mib.toFixed(1)),
      rows: report.totalRows,
      seconds: Number(seconds.toFixed(1)),
      rowsPerSecond: Math.round(report.totalRows / seconds),
      mebibytesPerSecond: Number((mib / seconds).toFixed(2)),
      cpuSeconds: Number(cpuSeconds.toFixed(1)),
      rowsPerCpuSecond: Math.round(report.totalRows / cpuSeconds),
      unparsed: report.unparsed.count,
      peakResidentMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  )
  connection.closeSync()
} finally {
  rmSync(path, { force: true })
}
