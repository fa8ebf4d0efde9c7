import { unzipSync } from 'fflate'

import { FeedError } from './feed-error.ts'
import type { FeedSource } from './feed-source.ts'

/** One file extracted from a ZIP archive. */
export interface ArchiveEntry {
  name: string
  bytes: Uint8Array
}

// Local file header or end of central directory (an empty archive).
const ZIP_SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
]

/** Tells whether `bytes` start with a ZIP signature. */
export function isZipArchive(bytes: Uint8Array): boolean {
  return ZIP_SIGNATURES.some((signature) =>
    signature.every((byte, index) => bytes[index] === byte),
  )
}

/**
 * Extracts the single feed file of a ZIP archive in memory, as ThreatFox
 * ships its full exports. Folders and macOS `__MACOSX/` metadata are
 * skipped.
 *
 * @throws FeedError `invalid-zip` when the archive is damaged or does not
 *   contain exactly one file.
 */
export function extractSingleEntry(
  bytes: Uint8Array,
  source: FeedSource,
): ArchiveEntry {
  const entries = Object.entries(unzipArchive(bytes, source)).filter(
    ([name]) => !name.endsWith('/') && !name.startsWith('__MACOSX/'),
  )
  if (entries.length !== 1) {
    const names = entries.map(([name]) => name).join(', ') || 'none'
    throw new FeedError(
      'invalid-zip',
      source,
      `the ZIP archive contains ${entries.length} files (${names}), expected exactly one`,
      'Extract the feed file you want and pass it directly',
    )
  }

  const [name, entryBytes] = entries[0]
  return { name, bytes: entryBytes }
}

function unzipArchive(
  bytes: Uint8Array,
  source: FeedSource,
): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new FeedError(
      'invalid-zip',
      source,
      `the ZIP archive is damaged (${reason})`,
      'Download the feed again',
      { cause: error },
    )
  }
}
