import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import path from 'node:path'

/** Raised when an output folder cannot be written or replaced. */
export class OutputDirectoryError extends Error {
  constructor(
    readonly directory: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'OutputDirectoryError'
  }
}

/** The file system calls the swap uses; tests replace them to inject failures. */
export interface AtomicOutputFileSystem {
  mkdir: typeof fs.mkdir
  rename: typeof fs.rename
  rm: typeof fs.rm
  stat: typeof fs.stat
}

export interface AtomicOutputOptions {
  /**
   * Checks the existing folder before it is replaced and throws to keep it,
   * for example when it does not look like earlier output of this tool.
   */
  checkReplaceable?: (directory: string) => Promise<void>
  fileSystem?: AtomicOutputFileSystem
}

function siblingPath(directory: string, kind: 'tmp' | 'old'): string {
  return `${directory}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`
}

async function statOrUndefined(
  fileSystem: AtomicOutputFileSystem,
  target: string,
) {
  try {
    return await fileSystem.stat(target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Writes a whole folder tree so that readers of `directory` see either the
 * old tree or the new one, never a half-written one. `writeTree` fills a
 * fresh temporary sibling folder (`<directory>.tmp-<pid>-<random>`). Then the
 * old folder is renamed aside, the new one is renamed into place, and the
 * old one is removed. POSIX `rename(2)` within one file system is atomic, and
 * a sibling folder is on the same file system.
 *
 * When `writeTree` or the swap fails, the temporary folder is removed, the
 * old `directory` is left (or put back) as it was, and the error is
 * rethrown. Missing parent folders are created. A failure to remove the old
 * tree after a successful swap raises {@link OutputDirectoryError} naming
 * where the old tree is.
 *
 * NOTE: between the two renames, `directory` is briefly absent, so a reader
 * can get "not found" for that instant. Node.js has no atomic exchange of two
 * folders (Linux `renameat2(RENAME_EXCHANGE)`).
 *
 * @throws OutputDirectoryError when `directory` exists and is not a folder,
 *   or when `checkReplaceable` rejects it.
 */
export async function writeDirectoryAtomically(
  directory: string,
  writeTree: (temporaryDirectory: string) => Promise<void>,
  options: AtomicOutputOptions = {},
): Promise<void> {
  const fileSystem = options.fileSystem ?? fs
  const target = path.resolve(directory)
  const existing = await statOrUndefined(fileSystem, target)
  if (existing && !existing.isDirectory()) {
    throw new OutputDirectoryError(
      directory,
      `output path ${directory} exists and is not a folder; choose another output folder or remove it`,
    )
  }
  if (existing) await options.checkReplaceable?.(target)

  await fileSystem.mkdir(path.dirname(target), { recursive: true })
  const temporary = siblingPath(target, 'tmp')
  await fileSystem.mkdir(temporary)
  let old: string | undefined
  try {
    await writeTree(temporary)
    old = await swapIntoPlace(
      fileSystem,
      temporary,
      target,
      existing !== undefined,
    )
  } catch (error) {
    await fileSystem.rm(temporary, { recursive: true, force: true })
    throw error
  }
  if (old) await removeOldTree(fileSystem, old, directory)
}

async function removeOldTree(
  fileSystem: AtomicOutputFileSystem,
  old: string,
  directory: string,
): Promise<void> {
  try {
    await fileSystem.rm(old, { recursive: true, force: true })
  } catch (error) {
    throw new OutputDirectoryError(
      directory,
      `the new output is in ${directory}, but the previous output moved to ${old} could not be removed (${(error as Error).message}); remove it by hand`,
      { cause: error },
    )
  }
}

/** Moves `temporary` to `target` and returns where the old `target` went. */
async function swapIntoPlace(
  fileSystem: AtomicOutputFileSystem,
  temporary: string,
  target: string,
  targetExists: boolean,
): Promise<string | undefined> {
  if (!targetExists) {
    await fileSystem.rename(temporary, target)
    return undefined
  }

  const old = siblingPath(target, 'old')
  await fileSystem.rename(target, old)
  try {
    await fileSystem.rename(temporary, target)
  } catch (error) {
    await fileSystem.rename(old, target)
    throw error
  }
  return old
}
