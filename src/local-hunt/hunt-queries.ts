import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'

import type { HuntQuery } from './hunt-runner.ts'

/** Raised when hunting queries cannot be found or read. */
export class HuntQueryInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HuntQueryInputError'
  }
}

interface IndexFile {
  families?: Array<{
    name?: string
    slug?: string
    queries?: Array<{ file?: string }>
  }>
}

function matchesFamily(name: string, requested: string): boolean {
  return name.toLowerCase() === requested.toLowerCase()
}

/**
 * Reads the hunting queries of a package folder: the families and query
 * files listed in `index.json`, or, without an index, every `.kql` file one
 * folder deep with the folder name as family. With `family`, only that
 * family (by name or folder name, ignoring case) is read.
 *
 * @throws HuntQueryInputError when the folder, a listed query file or the
 *   requested family is missing, or `index.json` is not valid JSON.
 */
export async function readPackageQueries(
  packagesDir: string,
  family?: string,
): Promise<HuntQuery[]> {
  const indexPath = path.join(packagesDir, 'index.json')
  let indexText: string | undefined
  try {
    indexText = await readFile(indexPath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const entries =
    indexText === undefined
      ? await scanFolders(packagesDir)
      : parseIndex(indexPath, indexText)
  const selected = family
    ? entries.filter(
        (e) => matchesFamily(e.family, family) || matchesFamily(e.slug, family),
      )
    : entries
  if (family && selected.length === 0) {
    const names = [...new Set(entries.map((e) => e.family))].join(', ')
    throw new HuntQueryInputError(
      `no family named ${JSON.stringify(family)} in ${packagesDir}; families: ${names || 'none'}`,
    )
  }
  const queries: HuntQuery[] = []
  for (const entry of selected) {
    const file = path.join(packagesDir, entry.file)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      throw new HuntQueryInputError(
        `cannot read query file ${file} listed for family ${entry.family}: ${(error as Error).message}`,
      )
    }
    queries.push({ family: entry.family, file: entry.file, text })
  }
  return queries
}

interface QueryEntry {
  family: string
  slug: string
  file: string
}

function parseIndex(indexPath: string, text: string): QueryEntry[] {
  let index: IndexFile
  try {
    index = JSON.parse(text) as IndexFile
  } catch (error) {
    throw new HuntQueryInputError(
      `${indexPath} is not valid JSON (${(error as Error).message}); rebuild the packages with huntpack build`,
    )
  }
  const entries: QueryEntry[] = []
  for (const family of index.families ?? []) {
    for (const query of family.queries ?? []) {
      if (!family.name || !query.file) {
        throw new HuntQueryInputError(
          `${indexPath} has a family or query without a name or file; rebuild the packages with huntpack build`,
        )
      }
      entries.push({
        family: family.name,
        slug: family.slug ?? family.name,
        file: query.file,
      })
    }
  }
  return entries
}

async function scanFolders(packagesDir: string): Promise<QueryEntry[]> {
  let folders
  try {
    folders = await readdir(packagesDir, { withFileTypes: true })
  } catch (error) {
    throw new HuntQueryInputError(
      `cannot read the packages folder ${packagesDir}: ${(error as Error).message}`,
    )
  }
  const entries: QueryEntry[] = []
  for (const folder of folders
    .filter((f) => f.isDirectory())
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const files = await readdir(path.join(packagesDir, folder.name))
    for (const file of files.filter((f) => f.endsWith('.kql')).sort()) {
      entries.push({
        family: folder.name,
        slug: folder.name,
        file: `${folder.name}/${file}`,
      })
    }
  }
  return entries
}
