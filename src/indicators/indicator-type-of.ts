import type { IndicatorType } from './indicator.ts'
import { IndicatorValueError } from './indicator-value-error.ts'

// ThreatFox `ioc_type` names, plus the indicator types themselves so that
// readers of feeds without their own names can pass those directly.
const FEED_TYPES = new Map<string, IndicatorType>([
  ['ip:port', 'ip'],
  ['domain', 'domain'],
  ['url', 'url'],
  ['md5_hash', 'md5'],
  ['sha1_hash', 'sha1'],
  ['sha256_hash', 'sha256'],
  ['ip', 'ip'],
  ['md5', 'md5'],
  ['sha1', 'sha1'],
  ['sha256', 'sha256'],
])

/**
 * Maps a feed's type name, in any letter case, to an indicator type.
 *
 * @throws IndicatorValueError when the type is missing or unknown.
 */
export function indicatorTypeOf(feedType: string): IndicatorType {
  const name = feedType.trim()
  if (name === '') throw new IndicatorValueError('indicator type is missing')

  const type = FEED_TYPES.get(name.toLowerCase())
  if (type !== undefined) return type

  const known = [...FEED_TYPES.keys()].join(', ')
  throw new IndicatorValueError(
    `unknown indicator type "${name}": expected one of ${known}`,
  )
}
