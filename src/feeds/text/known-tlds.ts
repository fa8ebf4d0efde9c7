import { readFileSync } from 'node:fs'

// The IANA root zone list (https://data.iana.org/TLD/tlds-alpha-by-domain.txt),
// version 2026051600, one upper-case TLD per line and IDN TLDs in punycode.
// Update it by replacing the file with a newer copy of that list.
const IANA_TLD_FILE = new URL('./data/iana-tlds.txt', import.meta.url)

// `.onion` is not in the root zone but is reserved for Tor (RFC 7686), and
// reports name Tor C2 servers with it.
const SPECIAL_USE_TLDS = ['onion']

// TLDs that are also common file extensions, so that `setup.py`, `run.sh`,
// `invoice.zip` or `notes.one` in a report are file names more often than
// domains.
const FILE_EXTENSION_TLDS = new Set([
  'app',
  'cab',
  'dot',
  'java',
  'md',
  'mov',
  'one',
  'pl',
  'ps',
  'py',
  'rs',
  'run',
  'sh',
  'so',
  'zip',
])

let knownTlds: Set<string> | undefined

/**
 * Tells whether `tld` (a last label, lower case, IDN in punycode) is a
 * delegated top-level domain or `.onion`. Reads the bundled IANA list on
 * the first call.
 */
export function isKnownTld(tld: string): boolean {
  knownTlds ??= readIanaTlds()
  return knownTlds.has(tld)
}

/** Tells whether `tld` is also a common file extension, such as `zip`. */
export function isFileExtensionTld(tld: string): boolean {
  return FILE_EXTENSION_TLDS.has(tld)
}

function readIanaTlds(): Set<string> {
  const lines = readFileSync(IANA_TLD_FILE, 'utf8').split('\n')
  const tlds = lines
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '' && !line.startsWith('#'))
  return new Set([...tlds, ...SPECIAL_USE_TLDS])
}
