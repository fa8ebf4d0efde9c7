/**
 * Inputs of the hunt benchmark. The feed is a fixed number of records taken
 * from a scaled real feed. The log repeats the real trickbot Zeek capture
 * with rotated addresses, and some rows get indicator endpoints planted.
 */
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'

export interface Endpoint {
  ip: string
  port: number
}

const root = path.resolve(import.meta.dirname, '../..')
const connFixture = path.join(
  root,
  'test/fixtures/logs/logs-zeek/trickbot-2018-11-09-conn.log',
)
// One planted row per this many log rows.
const PLANT_EVERY = 1000

/**
 * Writes the first `count` IPv4 `ip:port` records of the ThreatFox JSON
 * export `source` to `target` and returns their endpoints. The hunt log is
 * a connection log, so only network indicators can match it.
 */
export function makeBenchFeed(
  source: string,
  target: string,
  count: number,
): Endpoint[] {
  const feed = JSON.parse(readFileSync(source, 'utf8')) as Record<
    string,
    { ioc_value: string; ioc_type: string }[]
  >
  const picked: [string, unknown][] = []
  const endpoints: Endpoint[] = []
  for (const [id, records] of Object.entries(feed)) {
    if (picked.length === count) break
    const record = records[0]
    const match = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(record.ioc_value)
    if (record.ioc_type !== 'ip:port' || !match) continue
    picked.push([id, records])
    endpoints.push({ ip: match[1], port: Number(match[2]) })
  }
  writeFileSync(target, JSON.stringify(Object.fromEntries(picked)))
  return endpoints
}

/**
 * Writes a Zeek conn log of about `megabytes` MB to `target`. Each round of
 * the real capture moves the internal 172.16.9.0/24 hosts to another /24, and
 * every PLANT_EVERY-th row gets an indicator endpoint as its responder.
 */
export async function makeBenchLog(
  target: string,
  megabytes: number,
  endpoints: Endpoint[],
): Promise<{ bytes: number; rows: number; planted: number }> {
  const lines = readFileSync(connFixture, 'utf8').split('\n')
  const header = lines.filter(
    (l) => l.startsWith('#') && !l.startsWith('#close'),
  )
  const records = lines.filter((l) => l && !l.startsWith('#'))
  const out = createWriteStream(target)
  out.write(`${header.join('\n')}\n`)

  let written = 0
  let rows = 0
  let planted = 0
  for (let round = 0; written < megabytes * 1_000_000; round++) {
    const chunk: string[] = []
    for (const record of records) {
      const fields = record.split('\t')
      for (const column of [2, 4])
        fields[column] = fields[column].replace(
          /^172\.16\.9\./,
          `172.16.${round % 250}.`,
        )
      if (rows % PLANT_EVERY === 0 && endpoints.length > 0) {
        const endpoint = endpoints[planted % endpoints.length]
        fields[4] = endpoint.ip
        fields[5] = String(endpoint.port)
        planted++
      }
      chunk.push(fields.join('\t'))
      rows++
    }
    const text = `${chunk.join('\n')}\n`
    written += Buffer.byteLength(text)
    if (!out.write(text))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve) => out.end(() => resolve()))
  return { bytes: (await stat(target)).size, rows, planted }
}
