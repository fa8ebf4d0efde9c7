import { createReadStream } from 'node:fs'

// 1 MiB reads keep the per-chunk overhead small for files of a gigabyte.
const READ_CHUNK_BYTES = 1 << 20

/**
 * Streams a file's lines (UTF-8, `\n` or `\r\n`, a leading byte order mark
 * dropped) to `onLine` with 1-based line numbers. Only the current chunk
 * and an unfinished line stay in memory. `afterChunk` runs after the
 * lines of each chunk with the bytes read so far, and may be async: the
 * next chunk is read when it settles.
 */
export async function readFileLines(
  path: string,
  onLine: (text: string, lineNumber: number) => void,
  afterChunk: (bytesRead: number) => void | Promise<void>,
): Promise<number> {
  let lineNumber = 0
  let bytesRead = 0
  let pending: Buffer | undefined
  const emit = (text: string) => {
    lineNumber++
    if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    onLine(
      text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text,
      lineNumber,
    )
  }
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES })
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytesRead += chunk.length
    const lastBreak = chunk.lastIndexOf(10)
    if (lastBreak < 0) {
      // NOTE: a line without a break is held whole until one arrives, so a
      // single-line file of a gigabyte needs that much memory.
      pending = pending ? Buffer.concat([pending, chunk]) : chunk
    } else {
      // A `\n` byte never occurs inside a multi-byte UTF-8 sequence, so
      // decoding up to the last break cannot split a character.
      const head = pending
        ? Buffer.concat([pending, chunk.subarray(0, lastBreak)]).toString(
            'utf8',
          )
        : chunk.toString('utf8', 0, lastBreak)
      pending =
        lastBreak + 1 < chunk.length ? chunk.subarray(lastBreak + 1) : undefined
      const lines = head.split('\n')
      for (let i = 0; i < lines.length; i++) emit(lines[i]!)
    }
    await afterChunk(bytesRead)
  }
  if (pending && pending.length > 0) emit(pending.toString('utf8'))
  return lineNumber
}
