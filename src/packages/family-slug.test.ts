import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assignFamilySlugs, slugifyFamilyName } from './family-slug.ts'

test('slug of plain name', () => {
  assert.equal(slugifyFamilyName('DCRat'), 'dcrat')
})

test('slug of Unknown malware', () => {
  assert.equal(slugifyFamilyName('Unknown malware'), 'unknown-malware')
})

test('slug collapses punctuation', () => {
  assert.equal(
    slugifyFamilyName('  Agent Tesla (v3) / "x" '),
    'agent-tesla-v3-x',
  )
})

test('slug drops accents', () => {
  assert.equal(slugifyFamilyName('Mélo Stealer'), 'melo-stealer')
})

test('slug of non-Latin name', () => {
  assert.equal(slugifyFamilyName('蠕虫'), 'family')
})

test('slug blocks path traversal', () => {
  assert.equal(slugifyFamilyName('../../etc'), 'etc')
})

test('slug of Windows reserved name', () => {
  assert.equal(slugifyFamilyName('CON'), 'con-family')
})

test('slug length limit', () => {
  assert.equal(slugifyFamilyName('a'.repeat(100)).length, 60)
})

test('colliding names get suffixes', () => {
  const slugs = assignFamilySlugs([
    'cobalt-strike',
    'Cobalt Strike',
    'COBALT STRIKE',
  ])
  assert.deepEqual(
    [...slugs],
    [
      ['COBALT STRIKE', 'cobalt-strike'],
      ['Cobalt Strike', 'cobalt-strike-2'],
      ['cobalt-strike', 'cobalt-strike-3'],
    ],
  )
})

test('suffix skips plain slugs', () => {
  const slugs = assignFamilySlugs(['Foo 2', 'Foo', 'foo'])
  assert.equal(slugs.get('Foo'), 'foo')
  assert.equal(slugs.get('Foo 2'), 'foo-2')
  assert.equal(slugs.get('foo'), 'foo-3')
})

test('slugs ignore input order', () => {
  const forward = assignFamilySlugs(['A b', 'a-b', 'a b'])
  const backward = assignFamilySlugs(['a b', 'a-b', 'A b'])
  assert.deepEqual([...forward], [...backward])
})
