import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { OutputDirectoryError } from './atomic-output.ts'
import { writePackages } from './write-packages.ts'

let root: string

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'huntpack-write-'))
})

after(async () => {
  await fs.rm(root, { recursive: true, force: true })
})

const TREE = new Map([
  ['index.json', '{"generatedBy": "huntpack 0.1.0"}\n'],
  ['dcrat/README.md', '# DCRat\n'],
])

test('writes nested files', async () => {
  const out = path.join(root, 'nested')
  await writePackages(out, TREE)
  assert.equal(
    await fs.readFile(path.join(out, 'dcrat', 'README.md'), 'utf8'),
    '# DCRat\n',
  )
})

test('replaces empty folder', async () => {
  const out = path.join(root, 'empty')
  await fs.mkdir(out)
  await writePackages(out, TREE)
  assert.deepEqual((await fs.readdir(out)).sort(), ['dcrat', 'index.json'])
})

test('replaces earlier huntpack output', async () => {
  const out = path.join(root, 'earlier')
  await writePackages(out, new Map([...TREE, ['old/README.md', 'old\n']]))
  await writePackages(out, TREE)
  assert.deepEqual((await fs.readdir(out)).sort(), ['dcrat', 'index.json'])
})

test('keeps folder with foreign index', async () => {
  const out = path.join(root, 'foreign')
  await fs.mkdir(out)
  await fs.writeFile(
    path.join(out, 'index.json'),
    '{"generatedBy": "other tool"}',
  )
  await assert.rejects(writePackages(out, TREE), OutputDirectoryError)
  assert.deepEqual(await fs.readdir(out), ['index.json'])
})

test('keeps folder with broken index', async () => {
  const out = path.join(root, 'broken')
  await fs.mkdir(out)
  await fs.writeFile(path.join(out, 'index.json'), '{')
  await assert.rejects(writePackages(out, TREE), OutputDirectoryError)
  assert.equal(await fs.readFile(path.join(out, 'index.json'), 'utf8'), '{')
})
