/**
 * Runs one huntpack command in this process and writes its wall time and
 * peak resident memory as JSON to file descriptor 3, so that the benchmark
 * measures each command in a fresh process.
 * Usage: node --import tsx scripts/bench/measure-command.ts ARG...
 */
import { writeSync } from 'node:fs'
import { main } from '../../src/cli/main.ts'

const started = performance.now()
const status = await main(['node', 'huntpack', ...process.argv.slice(2)])
const seconds = (performance.now() - started) / 1000
// resourceUsage().maxRSS is in kilobytes on Linux.
const peakMiB = process.resourceUsage().maxRSS / 1024
writeSync(3, JSON.stringify({ status, seconds, peakMiB }) + '\n')
process.exitCode = status
