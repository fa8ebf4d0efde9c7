import { FeedError } from './feed-error.ts'
import type { FeedSource } from './feed-source.ts'

/**
 * Decodes feed bytes as UTF-8 and removes a byte order mark.
 *
 * @throws FeedError `empty` when there are no bytes or only white space,
 *   and `unknown-format` when the bytes are not valid UTF-8.
 */
export function decodeFeedText(bytes: Uint8Array, source: FeedSource): string {
  if (bytes.length === 0) throw emptyFileError(source)

  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (error) {
    throw new FeedError(
      'unknown-format',
      source,
      'not UTF-8 text and not a ZIP archive',
      'Pass a UTF-8 feed: a ThreatFox, URLhaus or Feodo Tracker export, a STIX 2.1 bundle, a MISP event, free text, or a ZIP of one of these',
      { cause: error },
    )
  }

  if (text.trim() === '') throw emptyFileError(source)
  return text
}

function emptyFileError(source: FeedSource): FeedError {
  return new FeedError(
    'empty',
    source,
    'the file is empty',
    'Download the feed again; an interrupted download leaves an empty file',
  )
}
