import { createHash } from 'node:crypto'
import * as fs from 'node:fs/promises'
import path from 'node:path'
import {
  writeDirectoryAtomically,
  type AtomicOutputFileSystem,
} from './atomic-output.ts'
import { checkPackageOutputReplaceable } from './write-packages.ts'

export interface WriteChangedFamiliesOptions {
  /**
   * Family folder names (slugs) taken unchanged from the existing output:
   * their files are hard-linked (or copied when linking fails), so bytes
   * and modification times stay as they were.
   */
  keepFolders: ReadonlySet<string>
  /** Called after each file is written to the temporary tree; a test seam for interrupted writes. */
  onFileWritten?: (relativePath: string) => Promise<void> | void
  fileSystem?: AtomicOutputFileSystem
}

/**
 * Writes a rendered package tree like `writePackages`, in one atomic swap,
 * but takes the folders in `keepFolders` from the current contents of
 * `directory` instead of rewriting them. Files of `files` inside a kept
 * folder are ignored. Any other file whose bytes equal the file already at
 * its path is linked too, so only changed files get a new time.
 *
 * @throws OutputDirectoryError as `writePackages` does; also when a kept
 *   folder is missing from `directory`, before anything is swapped.
 */
export async function writeChangedFamilies(
  directory: string,
  files: ReadonlyMap<string, string>,
  options: WriteChangedFamiliesOptions,
): Promise<void> {
  await writeDirectoryAtomically(
    directory,
    async (temporary) => {
      for (const folder of [...options.keepFolders].sort()) {
        await linkTree(
          path.join(directory, folder),
          path.join(temporary, folder),
        )
      }
      for (const [relative, text] of files) {
        if (options.keepFolders.has(relative.split('/')[0])) continue
        const target = path.join(temporary, ...relative.split('/'))
        await fs.mkdir(path.dirname(target), { recursive: true })
        await writeOrLinkSame(
          path.join(directory, ...relative.split('/')),
          target,
          text,
        )
        await options.onFileWritten?.(relative)
      }
    },
    {
      checkReplaceable: checkPackageOutputReplaceable,
      fileSystem: options.fileSystem,
    },
  )
}

/** Links the existing file when it already has exactly `text`, so its time stays; writes `text` otherwise. */
async function writeOrLinkSame(
  existing: string,
  target: string,
  text: string,
): Promise<void> {
  const bytes = Buffer.from(text, 'utf8')
  let current: Buffer | undefined
  try {
    current = await fs.readFile(existing)
  } catch {
    current = undefined
  }
  if (current !== undefined && current.equals(bytes))
    await linkOrCopy(existing, target)
  else await fs.writeFile(target, bytes)
}

/** Recreates `source` at `target` with hard links, then gives each folder the old modification time. */
async function linkTree(source: string, target: string): Promise<void> {
  const folderStat = await fs.stat(source)
  await fs.mkdir(target)
  for (const entry of await fs.readdir(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name)
    const to = path.join(target, entry.name)
    if (entry.isDirectory()) await linkTree(from, to)
    else await linkOrCopy(from, to)
  }
  // Set last: adding entries above updated the folder's own time.
  await fs.utimes(target, folderStat.atimeMs / 1000, folderStat.mtimeMs / 1000)
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await fs.link(from, to)
  } catch {
    // Some file systems (and some mounts) do not support hard links.
    const stat = await fs.stat(from)
    await fs.copyFile(from, to)
    await fs.utimes(to, stat.atimeMs / 1000, stat.mtimeMs / 1000)
  }
}

/**
 * Returns a SHA-256 over the files below `folder` as {@link hashFiles}
 * computes it for rendered files, or undefined when the folder is missing.
 */
export async function hashFolder(folder: string): Promise<string | undefined> {
  const files = new Map<string, Buffer>()
  const walk = async (current: string, prefix: string): Promise<void> => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`
      if (entry.isDirectory())
        await walk(path.join(current, entry.name), relative)
      else
        files.set(relative, await fs.readFile(path.join(current, entry.name)))
    }
  }
  try {
    await walk(folder, '')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return hashFiles(files)
}

/**
 * Returns a SHA-256 over relative paths and contents, in path order, so two
 * trees with the same files give the same hash.
 */
export function hashFiles(files: ReadonlyMap<string, string | Buffer>): string {
  const hash = createHash('sha256')
  for (const relative of [...files.keys()].sort()) {
    hash.update(relative)
    hash.update('\u0000')
    hash.update(files.get(relative)!)
    hash.update('\u0000')
  }
  return hash.digest('hex')
}
