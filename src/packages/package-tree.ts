import { queryFileText, type FamilyPackage } from './family-package.ts'
import { renderFamilyReadme } from './family-readme.ts'
import { renderIndicatorsCsv } from './indicators-csv.ts'
import type { PackageIndex } from './package-index.ts'
import type { Hunt } from '../hunts/hunt.ts'

/** Name of the per-family indicator list for tooling. */
export const INDICATORS_FILE = 'indicators.csv'

/** Name of the build index at the top of the output folder. */
export const INDEX_FILE = 'index.json'

/** Raised when a hunt's file name is unusable or two files would share a path. */
export class PackageTreeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
    this.name = 'PackageTreeError'
  }
}

// A plain file name, so that no hunt can write outside its family folder or
// over the README or the indicator list.
const QUERY_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*\.kql$/

function addFile(tree: Map<string, string>, path: string, text: string): void {
  if (tree.has(path)) {
    throw new PackageTreeError(
      path,
      `two files of the package tree would both be written to ${path}; each hunt of a family needs its own file name`,
    )
  }
  tree.set(path, text)
}

function addQueryFile(
  tree: Map<string, string>,
  family: FamilyPackage,
  hunt: Hunt,
): void {
  const path = `${family.slug}/${hunt.fileName}`
  if (!QUERY_FILE_NAME.test(hunt.fileName)) {
    throw new PackageTreeError(
      path,
      `hunt file name ${JSON.stringify(hunt.fileName)} of family ${family.name} is not a plain .kql file name (letters, digits, '.', '_', '-')`,
    )
  }
  addFile(tree, path, queryFileText(hunt))
}

/**
 * Renders every file of a build in memory: `index.json`, and per family
 * `<slug>/README.md`, `<slug>/indicators.csv`, one `<slug>/<fileName>`
 * per hunt, and the family's deployable content (`<slug>/sentinel/...`,
 * `<slug>/defender/...`) when it was built. `lookback` is the timespan the hunts were built with, for the
 * README text. Returns paths relative to the output folder, with `/`
 * separators, mapped to file contents, in write order.
 *
 * @throws PackageTreeError when a hunt's file name is not a plain `.kql`
 *   name, or when two files would share a path.
 */
export function renderPackageTree(
  families: readonly FamilyPackage[],
  index: PackageIndex,
  lookback: string,
): Map<string, string> {
  const tree = new Map<string, string>()
  addFile(tree, INDEX_FILE, `${JSON.stringify(index, null, 2)}\n`)
  for (const family of families) {
    const readme = renderFamilyReadme(family, {
      indicatorsFile: INDICATORS_FILE,
      lookback,
    })
    addFile(tree, `${family.slug}/README.md`, readme)
    addFile(
      tree,
      `${family.slug}/${INDICATORS_FILE}`,
      renderIndicatorsCsv(family.indicators),
    )
    for (const hunt of family.hunts) addQueryFile(tree, family, hunt)
    for (const [path, text] of family.deploy?.files ?? []) {
      addFile(tree, `${family.slug}/${path}`, text)
    }
  }
  return tree
}
