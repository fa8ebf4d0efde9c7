/**
 * Writes a ThreatFox JSON export that is `factor` times the size of a real
 * one. Copy 0 is the real feed unchanged. Each later copy varies every
 * record so that it stays valid but becomes a new indicator. IPv4 addresses
 * get a different last octet and ports shift. Domains and URL hosts get a
 * copy label, and hashes are re-derived from the copy number.
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'

type ExportRecord = Record<string, unknown> & {
  ioc_value: string
  ioc_type: string
}

function varyIp(ip: string, copy: number): string {
  if (ip.includes(':')) return ip // IPv6 left alone; the sample has few.
  const octets = ip.split('.').map(Number)
  octets[3] = ((octets[3] + copy * 7) % 254) + 1
  return octets.join('.')
}

function varyValue(record: ExportRecord, copy: number): string {
  const value = record.ioc_value
  switch (record.ioc_type) {
    case 'ip:port': {
      const cut = value.lastIndexOf(':')
      const port = (Number(value.slice(cut + 1)) + copy) % 65535 || 1
      return `${varyIp(value.slice(0, cut), copy)}:${port}`
    }
    case 'domain':
      return `c${copy}-${value}`
    case 'url':
      return value.replace(/^(\w+:\/\/)/, `$1c${copy}-`)
    case 'md5_hash':
    case 'sha1_hash':
    case 'sha256_hash': {
      const algorithm = record.ioc_type.replace('_hash', '')
      return createHash(algorithm).update(`${value}/${copy}`).digest('hex')
    }
    default:
      return value
  }
}

/** Reads `source`, writes `factor` varied copies of it to `target`, returns the record count. */
export function makeScaledFeed(
  source: string,
  target: string,
  factor: number,
): number {
  const feed = JSON.parse(readFileSync(source, 'utf8')) as Record<
    string,
    ExportRecord[]
  >
  const scaled: Record<string, ExportRecord[]> = {}
  let count = 0
  for (let copy = 0; copy < factor; copy++) {
    for (const [id, records] of Object.entries(feed)) {
      scaled[copy === 0 ? id : `${id}-c${copy}`] = records.map((record) => ({
        ...record,
        ioc_value: copy === 0 ? record.ioc_value : varyValue(record, copy),
      }))
      count += records.length
    }
  }
  writeFileSync(target, JSON.stringify(scaled))
  return count
}
