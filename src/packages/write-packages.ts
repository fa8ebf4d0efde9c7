import * as fs from 'node:fs/promises'
import path from 'node:path'
import {
  OutputDirectoryError,
  writeDirectoryAtomically,
  type AtomicOutputFileSystem,
} from './atomic-output.ts'
import { INDEX_FILE } from './package-tree.ts'

async function readGeneratedBy(indexPath: string): Promise<unknown> {
  try {
    const index = JSON.parse(await fs.readFile(indexPath, 'utf8')) as unknown
    return (index as { generatedBy?: unknown } | null)?.generatedBy
  } catch {
    return undefined
  }
}

/**
 * Throws unless `directory` is empty or contains an `index.json` written by
 * huntpack, because replacing the output folder deletes everything in it.
 */
export async function checkPackageOutputReplaceable(
  directory: string,
): Promise<void> {
  const entries = await fs.readdir(directory)
  if (entries.length === 0) return
  const generatedBy = await readGeneratedBy(path.join(directory, INDEX_FILE))
  if (typeof generatedBy === 'string' && generatedBy.startsWith('huntpack'))
    return
  throw new OutputDirectoryError(
    directory,
    `output folder ${directory} is not empty and has no ${INDEX_FILE} written by huntpack; ` +
      'building would replace everything in it, so choose an empty or new folder for --out',
  )
}

/**
 * Writes a rendered package tree to `directory`, replacing an earlier build
 * there in one step (see {@link writeDirectoryAtomically}).
 *
 * @param files paths relative to `directory`, with `/` separators, mapped to
 *   UTF-8 contents.
 * @throws OutputDirectoryError when `directory` is a file, or a non-empty
 *   folder that huntpack did not write.
 */
export async function writePackages(
  directory: string,
  files: ReadonlyMap<string, string>,
  fileSystem?: AtomicOutputFileSystem,
): Promise<void> {
  await writeDirectoryAtomically(
    directory,
    async (temporary) => {
      for (const [relative, text] of files) {
        const target = path.join(temporary, ...relative.split('/'))
        await fs.mkdir(path.dirname(target), { recursive: true })
        await fs.writeFile(target, text, 'utf8')
      }
    },
    { checkReplaceable: checkPackageOutputReplaceable, fileSystem },
  )
}
