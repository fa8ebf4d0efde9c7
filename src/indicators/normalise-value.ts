import { rejectControlCharacters } from './control-characters.ts'
import type { IndicatorType, UrlParts } from './indicator.ts'
import { IndicatorValueError } from './indicator-value-error.ts'
import { normaliseDomain } from './normalise-domain.ts'
import { normaliseHash } from './normalise-hash.ts'
import { normaliseIpEndpoint } from './normalise-ip.ts'
import { normaliseUrl } from './normalise-url.ts'
import { refang } from './refang.ts'

/** The canonical form of one feed value and what was derived from it. */
export interface NormalisedValue {
  value: string
  ipVersion?: 4 | 6
  port?: number
  url?: UrlParts
  /** True when refanging changed the value. */
  defanged: boolean
}

/**
 * Refangs and validates one feed value as an indicator of `type`. Leading
 * and trailing white space is removed. Hashes are not refanged, because no
 * defanging pattern can occur in hex.
 *
 * @throws IndicatorValueError with the reason when the value is missing,
 *   contains a control character or is invalid for its type.
 */
export function normaliseValue(
  type: IndicatorType,
  raw: string,
): NormalisedValue {
  rejectControlCharacters(raw)
  const trimmed = raw.trim()
  if (trimmed === '') throw new IndicatorValueError('value is missing')

  if (type === 'md5' || type === 'sha1' || type === 'sha256') {
    return { value: normaliseHash(trimmed, type), defanged: false }
  }

  const { value, defanged } = refang(trimmed)
  return { ...normaliseNetworkValue(type, value), defanged }
}

function normaliseNetworkValue(
  type: 'ip' | 'domain' | 'url',
  value: string,
): Omit<NormalisedValue, 'defanged'> {
  if (type === 'domain') return { value: normaliseDomain(value) }

  if (type === 'url') {
    const url = normaliseUrl(value)
    return { value: url.value, url: url.parts }
  }

  const { address, version, port } = normaliseIpEndpoint(value)
  const endpoint = { value: address, ipVersion: version }
  return port === undefined ? endpoint : { ...endpoint, port }
}
