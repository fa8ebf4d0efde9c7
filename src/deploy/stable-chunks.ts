import { createHash } from 'node:crypto'

/** How to split items into chunks whose rendered text stays under a limit. */
export interface StableChunkOptions<T> {
  /** Stable identity of an item, for example the indicator key. */
  key: (item: T) => string
  /** Renders the complete text (for example a rule query) for a subset. */
  render: (items: readonly T[]) => string
  /** Maximum length of a rendered chunk, in UTF-16 code units. */
  maxLength: number
  /**
   * Share of `maxLength` that the first bucket count aims to fill, between
   * 0 and 1. Lower values leave room for uneven buckets, so fewer retries.
   */
  fillRatio?: number
}

/** One chunk: a bucket's items, in input order, and their rendered text. */
export interface StableChunk<T> {
  /** Bucket number, 1-based; stays the same for an item across runs. */
  number: number
  items: T[]
  text: string
}

/** An item that does not fit under the limit even on its own. */
export interface OversizedItem<T> {
  item: T
  length: number
}

export interface StableChunkResult<T> {
  /** Number of buckets; chunks may skip numbers when a bucket is empty. */
  bucketCount: number
  chunks: StableChunk<T>[]
  oversized: OversizedItem<T>[]
}

const DEFAULT_FILL_RATIO = 0.9
const MASK_64 = (1n << 64n) - 1n

/**
 * Splits `items` into chunks whose rendered text is at most `maxLength`,
 * so that an item stays in the same chunk across runs while the set
 * changes little.
 *
 * Each item goes to bucket `jumpHash(sha256(key), bucketCount)`. The bucket
 * count starts at the rendered length of the list divided by what one chunk
 * can take at `fillRatio` of `maxLength`, and grows by one while any bucket
 * renders too long. Jump consistent hashing
 * (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
 * 2014) moves only about 1/(n+1) of the items when the count grows from n to
 * n+1, and none while the count stays the same, whatever else is added or
 * removed.
 *
 * Every item lands in exactly one chunk, except items whose text alone is
 * longer than `maxLength`: those are returned in `oversized` and in no chunk.
 */
export function splitIntoStableChunks<T>(
  items: readonly T[],
  options: StableChunkOptions<T>,
): StableChunkResult<T> {
  const oversized: OversizedItem<T>[] = []
  let fitting = [...items]
  if (fitting.length === 0) return { bucketCount: 0, chunks: [], oversized }

  const firstCount = estimateBucketCount(fitting, options)
  let bucketCount = firstCount
  let hashes = fitting.map((item) => keyHash(options.key(item)))

  // Rendering every item alone would find oversized items up front, but it
  // costs one render per item. Instead, a bucket of one item that is too
  // long marks that item as oversized. Once the bucket count has doubled,
  // the items of the buckets that are still too long are checked one by one.
  for (;;) {
    const chunks = renderBuckets(fitting, hashes, bucketCount, options.render)
    const tooLong = chunks.filter(
      (chunk) => chunk.text.length > options.maxLength,
    )
    if (tooLong.length === 0) return { bucketCount, chunks, oversized }

    const suspects =
      bucketCount >= 2 * firstCount + 2
        ? tooLong.flatMap((chunk) => chunk.items)
        : tooLong
            .filter((chunk) => chunk.items.length === 1)
            .flatMap((chunk) => chunk.items)
    const found = new Set<T>()
    for (const item of suspects) {
      const length = options.render([item]).length
      if (length > options.maxLength) {
        oversized.push({ item, length })
        found.add(item)
      }
    }
    if (found.size > 0) {
      const remaining = fitting
        .map((item, index) => ({ item, hash: hashes[index]! }))
        .filter((entry) => !found.has(entry.item))
      fitting = remaining.map((entry) => entry.item)
      hashes = remaining.map((entry) => entry.hash)
      if (fitting.length === 0) return { bucketCount: 0, chunks: [], oversized }
      continue
    }
    if (bucketCount >= Math.max(firstCount, fitting.length * 8)) {
      throw new StableChunkError(
        `cannot split ${fitting.length} items into chunks of at most ${options.maxLength} characters with up to ${bucketCount} buckets; check that item keys are unique`,
      )
    }
    bucketCount += 1
  }
}

// Every chunk repeats the text around the list (header, stages), so the
// estimate takes the length of a one-item query as that fixed part.
function estimateBucketCount<T>(
  items: readonly T[],
  options: StableChunkOptions<T>,
): number {
  const total = options.render(items).length
  if (total <= options.maxLength) return 1
  const fixed = Math.min(
    options.render(items.slice(0, 1)).length,
    options.maxLength / 2,
  )
  const budget =
    options.maxLength * (options.fillRatio ?? DEFAULT_FILL_RATIO) - fixed
  return Math.max(1, Math.ceil((total - fixed) / Math.max(budget, 1)))
}

/** Raised when items cannot be split under the limit, which means their keys repeat. */
export class StableChunkError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StableChunkError'
  }
}

function renderBuckets<T>(
  items: readonly T[],
  hashes: readonly bigint[],
  bucketCount: number,
  render: (items: readonly T[]) => string,
): StableChunk<T>[] {
  const buckets: T[][] = Array.from({ length: bucketCount }, () => [])
  items.forEach((item, index) => {
    buckets[jumpConsistentHash(hashes[index]!, bucketCount)]!.push(item)
  })
  const chunks: StableChunk<T>[] = []
  buckets.forEach((bucketItems, index) => {
    if (bucketItems.length === 0) return
    chunks.push({
      number: index + 1,
      items: bucketItems,
      text: render(bucketItems),
    })
  })
  return chunks
}

/** Returns the first 64 bits of the SHA-256 of `key`. */
export function keyHash(key: string): bigint {
  return createHash('sha256').update(key, 'utf8').digest().readBigUInt64BE(0)
}

/**
 * Returns the bucket, 0 to `bucketCount - 1`, of a 64-bit key by jump
 * consistent hashing (Lamping and Veach 2014, figure 1).
 */
export function jumpConsistentHash(key: bigint, bucketCount: number): number {
  let state = key & MASK_64
  let bucket = -1
  let next = 0
  while (next < bucketCount) {
    bucket = next
    state = (state * 2862933555777941757n + 1n) & MASK_64
    next = Math.floor((bucket + 1) * (2 ** 31 / (Number(state >> 33n) + 1)))
  }
  return bucket
}
