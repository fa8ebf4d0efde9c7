import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  jumpConsistentHash,
  keyHash,
  splitIntoStableChunks,
  type StableChunkOptions,
} from './stable-chunks.ts'

interface Item {
  key: string
  value: string
}

function items(count: number, from = 0): Item[] {
  return Array.from({ length: count }, (_, index) => {
    const n = index + from
    const value = `198.51.${Math.floor(n / 250) % 250}.${n % 250}:${1024 + (n % 5000)}`
    return { key: `ip|${value}`, value }
  })
}

// A stand-in for a rule query: fixed text around a quoted list.
const options: StableChunkOptions<Item> = {
  key: (item) => item.key,
  render: (subset) =>
    `let IocList = dynamic([${subset.map((item) => `"${item.value}"`).join(', ')}]);\nCommonSecurityLog | where Ioc in (IocList)`,
  maxLength: 2_000,
}

function chunkOf(
  result: ReturnType<typeof splitIntoStableChunks<Item>>,
): Map<string, number> {
  const map = new Map<string, number>()
  for (const chunk of result.chunks) {
    for (const item of chunk.items) map.set(item.key, chunk.number)
  }
  return map
}

test('jumpConsistentHash stays in range', () => {
  for (let count = 1; count < 20; count += 1) {
    const bucket = jumpConsistentHash(keyHash(`k${count}`), count)
    assert.ok(bucket >= 0, `count ${count}`)
    assert.ok(bucket < count, `count ${count}`)
  }
})

test('jumpConsistentHash moves keys only to the new bucket', () => {
  for (let index = 0; index < 500; index += 1) {
    const hash = keyHash(`key-${index}`)
    const before = jumpConsistentHash(hash, 7)
    const after = jumpConsistentHash(hash, 8)
    assert.ok(after === before || after === 7, `key-${index}`)
  }
})

test('splitIntoStableChunks keeps one small chunk', () => {
  const result = splitIntoStableChunks(items(3), options)
  assert.equal(result.bucketCount, 1)
  assert.equal(result.chunks.length, 1)
  assert.deepEqual(result.chunks[0]!.items, items(3))
})

test('splitIntoStableChunks respects the limit', () => {
  const result = splitIntoStableChunks(items(400), options)
  assert.ok(result.chunks.length > 1)
  for (const chunk of result.chunks) {
    assert.ok(chunk.text.length <= options.maxLength, `chunk ${chunk.number}`)
    assert.equal(chunk.text, options.render(chunk.items))
  }
})

test('splitIntoStableChunks loses and repeats nothing', () => {
  const input = items(400)
  const result = splitIntoStableChunks(input, options)
  const keys = result.chunks.flatMap((chunk) =>
    chunk.items.map((item) => item.key),
  )
  assert.equal(keys.length, input.length)
  assert.equal(new Set(keys).size, input.length)
  assert.deepEqual(new Set(keys), new Set(input.map((item) => item.key)))
})

test('splitIntoStableChunks keeps input order inside chunks', () => {
  const input = items(400)
  const position = new Map(input.map((item, index) => [item.key, index]))
  for (const chunk of splitIntoStableChunks(input, options).chunks) {
    const order = chunk.items.map((item) => position.get(item.key)!)
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    )
  }
})

test('splitIntoStableChunks is deterministic', () => {
  const first = splitIntoStableChunks(items(400), options)
  const second = splitIntoStableChunks([...items(400)].reverse(), options)
  assert.deepEqual(chunkOf(first), chunkOf(second))
})

test('splitIntoStableChunks is stable under 5% churn', () => {
  const before = items(400)
  // Drop 20 (5%) and add 20 new ones.
  const after = [...before.slice(20), ...items(20, 10_000)]
  const chunksBefore = chunkOf(splitIntoStableChunks(before, options))
  const chunksAfter = chunkOf(splitIntoStableChunks(after, options))
  const remaining = before.slice(20)
  const unmoved = remaining.filter(
    (item) => chunksBefore.get(item.key) === chunksAfter.get(item.key),
  )
  assert.ok(
    unmoved.length / remaining.length >= 0.8,
    `${unmoved.length} of ${remaining.length} kept their chunk`,
  )
})

test('splitIntoStableChunks reports oversized items', () => {
  const huge = { key: 'url|huge', value: 'x'.repeat(3_000) }
  const result = splitIntoStableChunks([...items(5), huge], options)
  assert.deepEqual(
    result.oversized.map((entry) => entry.item.key),
    ['url|huge'],
  )
  assert.equal(result.chunks.flatMap((chunk) => chunk.items).length, 5)
})
