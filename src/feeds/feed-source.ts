/** The file a reader is reading, and the ZIP entry when it is an archive. */
export interface FeedSource {
  /** Path of the input file as the user gave it. */
  file: string
  /** Name of the entry inside `file` when `file` is a ZIP archive. */
  archiveEntry?: string
}

/** Names a source in a message, for example `full.zip, entry full.csv`. */
export function describeFeedSource(source: FeedSource): string {
  if (source.archiveEntry === undefined) return source.file
  return `${source.file}, entry ${source.archiveEntry}`
}
