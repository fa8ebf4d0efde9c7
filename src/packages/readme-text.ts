import type { Indicator } from '../indicators/indicator.ts'
import { escapeMarkdown } from './markdown.ts'
import type { Observable } from '../hunts/observable.ts'

/** Writes a count with comma thousands separators, the same on every machine. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Writes `1 domain` or `2 domains`. */
export function countNoun(
  count: number,
  singular: string,
  plural: string,
): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`
}

/** Writes `a`, `a and b`, or `a, b and c`. */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
}

/** Writes an ISO 8601 UTC time as `2026-04-11 19:37:36`, the form ThreatFox shows. */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '')
}

/** Observable names for sentences, singular and plural. */
export const OBSERVABLE_NOUNS: Record<Observable, [string, string]> = {
  'ip-port': ['IP:port pair', 'IP:port pairs'],
  ip: ['IP address', 'IP addresses'],
  domain: ['domain', 'domains'],
  url: ['URL', 'URLs'],
  md5: ['MD5 hash', 'MD5 hashes'],
  sha1: ['SHA-1 hash', 'SHA-1 hashes'],
  sha256: ['SHA-256 hash', 'SHA-256 hashes'],
}

// Display names of the feeds huntpack reads; any other feed name is shown
// as the reader wrote it.
const FEED_NAMES: Record<string, string> = {
  threatfox: 'ThreatFox',
}

/** Returns the escaped display names of the feeds the indicators came from. */
export function feedNames(indicators: readonly Indicator[]): string[] {
  const feeds = new Set(
    indicators.flatMap((indicator) => indicator.origins.map((o) => o.feed)),
  )
  return [...feeds]
    .sort()
    .map((feed) => FEED_NAMES[feed] ?? escapeMarkdown(feed))
}
