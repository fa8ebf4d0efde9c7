import { domainToASCII } from 'node:url'

import ipaddr from 'ipaddr.js'

import { refang } from '../../indicators/refang.ts'
import { isFileExtensionTld, isKnownTld } from './known-tlds.ts'

/** A piece of free text that has the shape of an indicator. */
export interface IndicatorCandidate {
  /** Feed type name, as in ThreatFox: `url`, `ip:port`, `ip`, `domain`, `md5_hash`... */
  feedType: string
  /** The text as written, still defanged; normalisation refangs it. */
  value: string
}

// Spaces around a bracketed dot are part of the defanging (`evil [.] com`),
// so they are removed before the line is split into tokens.
const SPACED_DEFANGED_DOT =
  /\s*(\[(?:\.|dot)\]|\((?:\.|dot)\)|\{(?:\.|dot)\})\s*/gi

// Characters that never occur in an indicator as reports write them: white
// space, quotes, angle brackets, list separators and Markdown emphasis.
const TOKEN = /[^\s"'<>,;|`*]+/g

const URL_SCHEME = /^(?:https?|ftp):\/\//i
const HASH_PREFIX = /^(?:md5|sha-?1|sha-?256)[:=]/i
const HASH_TYPES = new Map([
  [32, 'md5_hash'],
  [40, 'sha1_hash'],
  [64, 'sha256_hash'],
])

// Shapes only: normalisation checks octets, ports and labels, so that an
// invalid value such as `203.0.300.17` is rejected with the reason instead
// of being skipped.
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
const IPV4_WITH_PORT = /^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/
const IPV6_WITH_PORT = /^\[[0-9a-f:.]+\]:\d{1,5}$/i
const IPV6_CHARACTERS = /^[0-9a-f:.]+$/i
const DOMAIN = /^(?:[\p{L}\p{N}_-]+\.)+[\p{L}\p{N}-]+$/u

const OPENING = '([{'
const CLOSING = ')]}'

/**
 * Finds the indicators in one line of free text: URLs with an http, https
 * or ftp scheme, IPv4 and IPv6 addresses with or without a port, MD5,
 * SHA-1 and SHA-256 hashes by their length in hex digits, and domain names.
 * Each token is refanged before it is classified, so `hxxps[:]//evil[.]com`
 * and `evil [.] com` are found. A token without a scheme is cut at its
 * first `/`, so that `evil[.]com/gate.php` yields the domain, and a domain
 * loses its port.
 *
 * A domain must end in a TLD of the IANA root zone (or `.onion`), which
 * keeps file names such as `payload.exe` and `version.txt` out, unless its
 * author defanged it. A TLD that is also a common file extension (`.zip`,
 * `.sh`, `.py`...) counts only when the name was defanged or has three or
 * more labels. Names such as `System.IO`, with a capitalised first label and
 * capitals in the last, are code, not domains. Other tokens, including
 * e-mail addresses, are not indicators.
 */
export function findIndicatorCandidates(line: string): IndicatorCandidate[] {
  const text = line.replace(SPACED_DEFANGED_DOT, '$1')
  const candidates: IndicatorCandidate[] = []
  for (const match of text.matchAll(TOKEN)) {
    const candidate = classifyToken(trimToken(match[0]))
    if (candidate !== undefined) candidates.push(candidate)
  }
  return candidates
}

function classifyToken(token: string): IndicatorCandidate | undefined {
  if (token === '') return undefined
  if (URL_SCHEME.test(refang(token).value)) {
    return { feedType: 'url', value: token }
  }

  const head = cutAtPath(token)
  const { value, defanged } = refang(head)
  const hash = value.replace(HASH_PREFIX, '')
  const hashType = /^[0-9a-f]+$/i.test(hash)
    ? HASH_TYPES.get(hash.length)
    : undefined
  if (hashType !== undefined) return { feedType: hashType, value: hash }

  const feedType = networkTypeOf(value, defanged)
  if (feedType !== undefined) return { feedType, value: head }
  return domainBeforePort(head)
}

// huntpack hunts no domain with a port, so `c2.bad-example.com:443` yields
// the domain alone.
function domainBeforePort(head: string): IndicatorCandidate | undefined {
  const port = /(?:\[:\]|:)\d{1,5}$/.exec(head)
  if (port === null) return undefined

  const name = head.slice(0, port.index)
  const { value, defanged } = refang(name)
  return isDomain(value, defanged)
    ? { feedType: 'domain', value: name }
    : undefined
}

function networkTypeOf(value: string, defanged: boolean): string | undefined {
  if (IPV4_WITH_PORT.test(value) || IPV6_WITH_PORT.test(value)) {
    return 'ip:port'
  }
  if (IPV4.test(value) || isIpv6(value)) return 'ip'
  if (isDomain(value, defanged)) return 'domain'
  return undefined
}

// Two or more colons, hex digits only and at least three groups, so that
// times (`10:32:07`), `::1` and short forms such as `a::b` are not taken.
function isIpv6(value: string): boolean {
  if (!IPV6_CHARACTERS.test(value) || !ipaddr.IPv6.isValid(value)) {
    return false
  }
  const groups = value.split(':').filter((group) => group !== '')
  return groups.length >= 3
}

function isDomain(value: string, defanged: boolean): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value
  if (!DOMAIN.test(name)) return false
  if (defanged) return true
  if (isCodeIdentifier(name)) return false

  const ascii = domainToASCII(name)
  const labels = ascii.split('.')
  const tld = labels[labels.length - 1]
  if (ascii === '' || !isKnownTld(tld)) return false
  return !isFileExtensionTld(tld) || labels.length >= 3
}

// .NET and Java names such as `System.IO` and `System.Net` have a
// capitalised first label and a last label with capitals, which domain
// names in reports do not.
function isCodeIdentifier(name: string): boolean {
  const labels = name.split('.')
  const last = labels[labels.length - 1]
  return /^\p{Lu}\p{Ll}/u.test(labels[0]) && last !== last.toLowerCase()
}

// Cuts a scheme-less token at the start of its path, plain or defanged.
function cutAtPath(token: string): string {
  const slash = token.search(/\[\/\]|\//)
  return slash === -1 ? token : token.slice(0, slash)
}

// Removes punctuation around a token, such as the `(` and `).` of
// `(see evil[.]com).` or the brackets of `(198.51.100.7)`, but keeps
// brackets inside it, such as those of `evil[.]com` and
// `[2001:db8::1]:443`.
function trimToken(token: string): string {
  let text = token
  let changed = true
  while (changed && text !== '') {
    changed = false
    const first = text[0]
    const last = text[text.length - 1]
    const enclosed = OPENING.indexOf(first)
    if (enclosed !== -1 && CLOSING[enclosed] === last && text.length > 2) {
      text = text.slice(1, -1)
      changed = true
    } else if (OPENING.includes(first) && isUnbalanced(text, first)) {
      text = text.slice(1)
      changed = true
    } else if (/[.:!?]/.test(last)) {
      text = text.slice(0, -1)
      changed = true
    } else if (CLOSING.includes(last) && isUnbalanced(text, last)) {
      text = text.slice(0, -1)
      changed = true
    }
  }
  return text
}

function isUnbalanced(text: string, bracket: string): boolean {
  const index = Math.max(OPENING.indexOf(bracket), CLOSING.indexOf(bracket))
  const opening = countOf(text, OPENING[index])
  const closing = countOf(text, CLOSING[index])
  return OPENING.includes(bracket) ? opening > closing : closing > opening
}

function countOf(text: string, character: string): number {
  return text.split(character).length - 1
}
