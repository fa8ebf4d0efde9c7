import { readFile } from 'node:fs/promises'

import { FeedError } from './feed-error.ts'
import type { FeedRecord } from './feed-record.ts'
import { parseFeedContent } from './parse-feed-content.ts'

/**
 * Reads all feed records of one file, with the format detected from the
 * content (see {@link parseFeedContent}). The whole file is read into
 * memory, and a ZIP archive is also extracted in memory.
 *
 * @throws FeedError `unreadable` when the file cannot be read, and the
 *   errors of {@link parseFeedContent}.
 */
export async function readFeedFile(path: string): Promise<FeedRecord[]> {
  return parseFeedContent(await readBytes(path), { file: path })
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    throw new FeedError(
      'unreadable',
      { file: path },
      `cannot read the file (${code})`,
      'Check that the path exists, is a file and is readable',
      { cause: error },
    )
  }
}
