import {
  alertRuleResource,
  armParametersJson,
  armTemplate,
  armTemplateJson,
  savedSearchResource,
  watchlistResource,
} from './arm-template.ts'
import {
  huntingQuery,
  type DeployFamily,
  type FamilyDeployContent,
} from './family-deploy.ts'
import { WATCHLIST_SEARCH_KEY } from './watchlist.ts'

/*
 * The folder layout that a Microsoft Sentinel repository connection
 * (Content management > Repositories) deploys, from Microsoft Learn
 * "Manage content as code with Microsoft Sentinel repositories" and
 * "Customize repository deployments", and the deployment script that the
 * connection adds to the repository:
 * - every `.json` file in the repository is deployed as an ARM template,
 *   except `*.parameters*.json`, `*metadata.json`, `bicepconfig.json` and
 *   paths listed in `excludecontentfiles`;
 * - a template is deployed only if all its resources are of the content
 *   types selected for the connection: analytics rules are
 *   `Microsoft.OperationalInsights/workspaces/providers/alertRules`, hunting
 *   queries `Microsoft.OperationalInsights/workspaces/savedSearches` of
 *   category "Hunting Queries". Watchlists are not a content type, so their
 *   templates are excluded here and deployed by hand;
 * - the script passes the workspace name as the template parameter
 *   `workspace`;
 * - `X.parameters.json` next to `X.json` is its default parameter file,
 *   and `X.parameters-<workspace id>.json` overrides it for one workspace;
 * - `sentinel-deployment.config` at the root lists `prioritizedcontentfiles`,
 *   `excludecontentfiles` (path prefixes) and `parameterfilemappings`.
 * One resource per file lets smart deployments skip the files that did
 * not change since the last commit.
 */

export const SENTINEL_DEPLOYMENT_CONFIG = 'sentinel-deployment.config'
export const ANALYTICS_RULES_FOLDER = 'AnalyticsRules'
export const HUNTING_QUERIES_FOLDER = 'HuntingQueries'
export const WATCHLISTS_FOLDER = 'Watchlists'

const REPOSITORY_FOLDERS = [
  ANALYTICS_RULES_FOLDER,
  HUNTING_QUERIES_FOLDER,
  WATCHLISTS_FOLDER,
]

/** A family with its hunts and deployable content. */
export interface RepositoryFamily extends DeployFamily {
  deploy: FamilyDeployContent
}

/** Raised when a family folder would clash with a repository folder. */
export class RepositoryLayoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RepositoryLayoutError'
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.(yaml|kql)$/, '')
}

/**
 * Returns the files of the Sentinel repository layout, to write next to
 * the package tree (`packageFiles`, which it includes unchanged):
 * - `AnalyticsRules/<family>/<rule>.json`, one inline scheduled rule per
 *   template, each with a default `<rule>.parameters.json` that sets
 *   `rulesEnabled`;
 * - `HuntingQueries/<family>/<query>.json`, one saved search per template;
 * - `Watchlists/<family>/` with the watchlist template, its CSV and the
 *   watchlist rule templates, for families that have a watchlist;
 * - `sentinel-deployment.config`, which excludes `index.json`,
 *   `Watchlists/` and every family folder of the package tree from the
 *   repository deployment.
 *
 * Inline rules are the ones deployed, because they carry their indicators:
 * a push updates them, while a watchlist would need its own upload.
 *
 * @throws RepositoryLayoutError when a family folder name equals a
 *   repository folder name, ignoring case.
 */
export function sentinelRepositoryFiles(
  families: readonly RepositoryFamily[],
  packageFiles: ReadonlyMap<string, string>,
): Map<string, string> {
  const files = new Map(packageFiles)
  // The deployment script excludes every path that starts with an entry,
  // ignoring case, so folders get a trailing `/`: `a` alone would also
  // exclude `AnalyticsRules/...`.
  const excluded = new Set<string>()
  for (const path of packageFiles.keys()) {
    const slash = path.indexOf('/')
    excluded.add(slash === -1 ? path : path.slice(0, slash + 1))
  }

  for (const family of families) {
    const clash = REPOSITORY_FOLDERS.find(
      (folder) => folder.toLowerCase() === family.slug.toLowerCase(),
    )
    if (clash) {
      throw new RepositoryLayoutError(
        `family ${family.name} has the folder name ${family.slug}, which the repository layout uses for ${clash}; build with the default layout`,
      )
    }
    addFamily(files, family)
  }
  excluded.add(`${WATCHLISTS_FOLDER}/`)

  const config = {
    prioritizedcontentfiles: [],
    excludecontentfiles: [...excluded].sort(),
    parameterfilemappings: {},
  }
  files.set(SENTINEL_DEPLOYMENT_CONFIG, `${JSON.stringify(config, null, 2)}\n`)
  return files
}

function addFamily(files: Map<string, string>, family: RepositoryFamily): void {
  const rules = `${ANALYTICS_RULES_FOLDER}/${family.slug}`
  for (const file of family.deploy.inlineRules) {
    const path = `${rules}/${baseName(file.path)}.json`
    files.set(
      path,
      armTemplateJson(armTemplate([alertRuleResource(file.rule)]), path),
    )
    files.set(
      `${rules}/${baseName(file.path)}.parameters.json`,
      armParametersJson({ rulesEnabled: true }),
    )
  }

  for (const hunt of family.hunts) {
    const path = `${HUNTING_QUERIES_FOLDER}/${family.slug}/${baseName(hunt.fileName)}.json`
    files.set(
      path,
      armTemplateJson(
        armTemplate([savedSearchResource(huntingQuery(family, hunt))]),
        path,
      ),
    )
  }

  const watchlist = family.deploy.watchlist
  if (!watchlist) return
  const folder = `${WATCHLISTS_FOLDER}/${family.slug}`
  const csv = family.deploy.files.get(watchlist.path)!
  const template = armTemplate([
    watchlistResource({
      alias: watchlist.alias,
      displayName: `huntpack ${family.name}`,
      description: `Indicator values of the ${family.name} hunting package, written by huntpack.`,
      searchKey: WATCHLIST_SEARCH_KEY,
      csv,
    }),
  ])
  files.set(
    `${folder}/${watchlist.alias}.json`,
    armTemplateJson(template, `${folder}/${watchlist.alias}.json`),
  )
  files.set(`${folder}/${watchlist.alias}.csv`, csv)
  for (const file of family.deploy.watchlistRules) {
    const path = `${folder}/rules/${baseName(file.path)}.json`
    files.set(
      path,
      armTemplateJson(armTemplate([alertRuleResource(file.rule)]), path),
    )
  }
}
