/**
 * `npm run bench`: measures huntpack on realistic inputs and writes the
 * results into BENCHMARKS.md between the `bench:results` markers.
 *
 * 1. `huntpack build` of the bundled sample and of a feed ten times its size.
 * 2. `huntpack hunt` of a Zeek conn log of `--log-mb` megabytes (default
 *    1024) against packages of 10,000 indicators, next to `grep -F -f` with
 *    the indicator addresses and a hand-written DuckDB join on the same file.
 *
 * Each huntpack command runs in a fresh process (measure-command.ts) so that
 * its peak memory is its own. Usage:
 *   npm run bench -- [--log-mb N] [--scale N] [--only build|hunt] [--keep DIR]
 */
import { spawn } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

import { makeScaledFeed } from './make-scaled-feed.ts'
import { makeBenchFeed, makeBenchLog } from './make-bench-inputs.ts'
import { runDuckDbJoin } from './duckdb-join.ts'

interface Measurement {
  status: number
  seconds: number
  peakMiB: number
}

const root = path.resolve(import.meta.dirname, '../..')
const { values } = parseArgs({
  options: {
    'log-mb': { type: 'string', default: '1024' },
    keep: { type: 'string' },
    scale: { type: 'string', default: '10' },
    only: { type: 'string' },
  },
})
const logMegabytes = Number(values['log-mb'])
const work =
  values.keep ?? mkdtempSync(path.join(os.tmpdir(), 'huntpack-bench-'))
mkdirSync(work, { recursive: true })

/** Runs one huntpack command in a child process and returns its measurement. */
function measure(args: string[]): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'scripts/bench/measure-command.ts'),
        ...args,
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
        env: { ...process.env, CI: '1' },
      },
    )
    let report = ''
    child.stdio[3]!.on('data', (chunk) => (report += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0)
        reject(new Error(`huntpack ${args.join(' ')} exited with ${code}`))
      else resolve(JSON.parse(report) as Measurement)
    })
  })
}

/** Runs a shell command and returns its wall time and standard output. */
function timeShell(
  command: string,
): Promise<{ seconds: number; output: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('sh', ['-c', command], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', () =>
      resolve({
        seconds: (performance.now() - started) / 1000,
        output: output.trim(),
      }),
    )
  })
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`)
}

const sample = path.join(root, 'samples/threatfox-recent.json')
const rows: string[] = []

const scale = Number(values.scale)
const runBuilds = values.only !== 'hunt'
const runHunt = values.only !== 'build'

if (runBuilds) {
  progress('build of the bundled sample')
  const sampleBuild = await measure([
    'build',
    '--out',
    path.join(work, 'sample-out'),
  ])
  const sampleRecords = Object.values(
    JSON.parse(readFileSync(sample, 'utf8')),
  ).length
  rows.push(
    `| build, bundled sample | ${sampleRecords.toLocaleString('en')} records | ${sampleBuild.seconds.toFixed(1)} s | ${sampleBuild.peakMiB.toFixed(0)} MiB |`,
  )
}

const scaledFeed = path.join(work, `feed-x${scale}.json`)
const scaledRecords = makeScaledFeed(sample, scaledFeed, scale)
if (runBuilds) {
  progress(`build of a feed ${scale} times the sample`)
  const scaledBuild = await measure([
    'build',
    scaledFeed,
    '--out',
    path.join(work, 'scaled-out'),
  ])
  rows.push(
    `| build, sample x${scale} | ${scaledRecords.toLocaleString('en')} records | ${scaledBuild.seconds.toFixed(1)} s | ${scaledBuild.peakMiB.toFixed(0)} MiB |`,
  )
}

let huntRows: string[] = []
let logLine = ''
if (runHunt) {
  progress('packages of 10,000 ip:port indicators')
  const benchFeed = path.join(work, 'feed-10000.json')
  const endpoints = makeBenchFeed(scaledFeed, benchFeed, 10_000)
  const packages = path.join(work, 'packages-10000')
  const benchBuild = await measure(['build', benchFeed, '--out', packages])
  rows.push(
    `| build, 10,000 ip:port indicators for the hunt | ${endpoints.length.toLocaleString('en')} records | ${benchBuild.seconds.toFixed(1)} s | ${benchBuild.peakMiB.toFixed(0)} MiB |`,
  )

  progress(`Zeek conn log of ${logMegabytes} MB`)
  const log = path.join(work, 'conn.log')
  const logStats = await makeBenchLog(log, logMegabytes, endpoints)

  progress('huntpack hunt')
  const hunt = await measure([
    'hunt',
    '--packages',
    packages,
    '--logs',
    log,
    '--out',
    path.join(work, 'findings'),
    '--now',
    '2018-11-10T00:00:00Z',
  ])
  const findings = JSON.parse(
    readFileSync(path.join(work, 'findings/findings.json'), 'utf8'),
  ) as { findings?: unknown[] } | unknown[]
  const findingCount = Array.isArray(findings)
    ? findings.length
    : (findings.findings?.length ?? 0)

  progress('grep -F -f')
  const patterns = path.join(work, 'indicator-ips.txt')
  writeFileSync(
    patterns,
    [...new Set(endpoints.map((e) => e.ip))].join('\n') + '\n',
  )
  const grep = await timeShell(`LC_ALL=C grep -c -F -f '${patterns}' '${log}'`)

  progress('hand-written DuckDB join')
  const join = await runDuckDbJoin(log, endpoints)

  const perSecond = (seconds: number) =>
    Math.round(logStats.rows / seconds).toLocaleString('en')
  huntRows = [
    `| huntpack hunt (load, translate, run, write findings) | ${hunt.seconds.toFixed(1)} s | ${perSecond(hunt.seconds)} | ${hunt.peakMiB.toFixed(0)} MiB | ${findingCount.toLocaleString('en')} findings |`,
    `| grep -c -F -f (indicator addresses, substring match) | ${grep.seconds.toFixed(1)} s | ${perSecond(grep.seconds)} | n/a | ${Number(grep.output).toLocaleString('en')} matching lines |`,
    `| DuckDB read_csv + join on address and port | ${join.seconds.toFixed(1)} s | ${perSecond(join.seconds)} | n/a | ${join.portMatches.toLocaleString('en')} ip:port rows, ${join.addressMatches.toLocaleString('en')} address rows |`,
  ]
  logLine = `Hunt: ${(logStats.bytes / 1e6).toFixed(0)} MB Zeek conn log, ${logStats.rows.toLocaleString('en')} rows, ${logStats.planted.toLocaleString('en')} planted indicator rows, ${endpoints.length.toLocaleString('en')} ip:port indicators.`
}

const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ${os.platform()} ${os.release()}`
const results = [
  '<!-- bench:results:start -->',
  `Run on ${new Date().toISOString().slice(0, 10)}; machine: ${machine}.`,
  '',
  `Options: ${process.argv.slice(2).join(' ') || 'defaults'}.`,
  '',
  '| Build | Input | Wall time | Peak memory |',
  '|---|---|---:|---:|',
  ...rows,
  '',
  logLine,
  '',
  '| Engine | Wall time | Log rows per second | Peak memory | Result |',
  '|---|---:|---:|---:|---|',
  ...huntRows,
  '<!-- bench:results:end -->',
].join('\n')

const benchmarks = path.join(root, 'BENCHMARKS.md')
const page = readFileSync(benchmarks, 'utf8')
writeFileSync(
  benchmarks,
  page.replace(
    /<!-- bench:results:start -->[\s\S]*<!-- bench:results:end -->/,
    results,
  ),
)
process.stdout.write(`${results}\n`)
if (!values.keep) rmSync(work, { recursive: true, force: true })
