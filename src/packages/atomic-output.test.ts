import assert from 'node:assert/strict'
import * as fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import {
  OutputDirectoryError,
  writeDirectoryAtomically,
  type AtomicOutputFileSystem,
} from './atomic-output.ts'

let root: string

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'huntpack-atomic-'))
})

after(async () => {
  await fs.rm(root, { recursive: true, force: true })
})

async function freshOutput(name: string, contents?: string): Promise<string> {
  const directory = path.join(root, name, 'out')
  await fs.mkdir(directory, { recursive: true })
  if (contents !== undefined)
    await fs.writeFile(path.join(directory, 'old.txt'), contents)
  return directory
}

/** Lists the names next to `directory`, to find leftover temporary folders. */
async function siblings(directory: string): Promise<string[]> {
  return (await fs.readdir(path.dirname(directory))).sort()
}

test('atomic write creates folder', async () => {
  const directory = path.join(root, 'create', 'nested', 'out')
  await writeDirectoryAtomically(directory, async (temporary) => {
    await fs.writeFile(path.join(temporary, 'new.txt'), 'new')
  })
  assert.equal(
    await fs.readFile(path.join(directory, 'new.txt'), 'utf8'),
    'new',
  )
  assert.deepEqual(await siblings(directory), ['out'])
})

test('atomic write replaces folder', async () => {
  const directory = await freshOutput('replace', 'old')
  await writeDirectoryAtomically(directory, async (temporary) => {
    await fs.writeFile(path.join(temporary, 'new.txt'), 'new')
  })
  assert.deepEqual(await fs.readdir(directory), ['new.txt'])
  assert.deepEqual(await siblings(directory), ['out'])
})

test('temporary folder is a sibling', async () => {
  const directory = await freshOutput('sibling', 'old')
  let seen = ''
  await writeDirectoryAtomically(directory, async (temporary) => {
    seen = temporary
  })
  assert.equal(path.dirname(seen), path.dirname(directory))
  assert.match(
    path.basename(seen),
    new RegExp(`^out\\.tmp-${process.pid}-[0-9a-f]{8}$`),
  )
})

test('failing write keeps old folder', async () => {
  const directory = await freshOutput('failing-write', 'old')
  await assert.rejects(
    writeDirectoryAtomically(directory, async (temporary) => {
      await fs.writeFile(path.join(temporary, 'half.txt'), 'half')
      throw new Error('disk full')
    }),
    /disk full/,
  )
  assert.deepEqual(await fs.readdir(directory), ['old.txt'])
  assert.equal(
    await fs.readFile(path.join(directory, 'old.txt'), 'utf8'),
    'old',
  )
  assert.deepEqual(await siblings(directory), ['out'])
})

test('failing swap restores old folder', async () => {
  const directory = await freshOutput('failing-swap', 'old')
  let renames = 0
  const fileSystem: AtomicOutputFileSystem = {
    ...fs,
    rename: async (from, to) => {
      renames += 1
      // The second rename moves the new tree into place.
      if (renames === 2) throw new Error('rename failed')
      return fs.rename(from, to)
    },
  }
  await assert.rejects(
    writeDirectoryAtomically(
      directory,
      async (temporary) => fs.writeFile(path.join(temporary, 'new.txt'), 'new'),
      { fileSystem },
    ),
    /rename failed/,
  )
  assert.deepEqual(await fs.readdir(directory), ['old.txt'])
  assert.deepEqual(await siblings(directory), ['out'])
})

test('output path is a file', async () => {
  const file = path.join(root, 'file-out')
  await fs.writeFile(file, 'keep')
  await assert.rejects(
    writeDirectoryAtomically(file, async () => {}),
    (error: unknown) =>
      error instanceof OutputDirectoryError &&
      /is not a folder/.test(error.message),
  )
  assert.equal(await fs.readFile(file, 'utf8'), 'keep')
})

test('replace check keeps folder', async () => {
  const directory = await freshOutput('check', 'old')
  let wrote = false
  await assert.rejects(
    writeDirectoryAtomically(
      directory,
      async () => {
        wrote = true
      },
      {
        checkReplaceable: async () => {
          throw new Error('not ours')
        },
      },
    ),
    /not ours/,
  )
  assert.equal(wrote, false)
  assert.deepEqual(await fs.readdir(directory), ['old.txt'])
  assert.deepEqual(await siblings(directory), ['out'])
})

test('old tree not removable', async () => {
  const directory = await freshOutput('old-stuck', 'old')
  const fileSystem: AtomicOutputFileSystem = {
    ...fs,
    rm: async (target, options) => {
      if (path.basename(String(target)).startsWith('out.old-')) {
        throw new Error('busy')
      }
      return fs.rm(target, options)
    },
  }
  await assert.rejects(
    writeDirectoryAtomically(
      directory,
      async (temporary) => fs.writeFile(path.join(temporary, 'new.txt'), 'new'),
      { fileSystem },
    ),
    (error: unknown) =>
      error instanceof OutputDirectoryError &&
      /could not be removed \(busy\)/.test(error.message),
  )
  assert.deepEqual(await fs.readdir(directory), ['new.txt'])
})
