import type { Indicator } from '../../indicators/indicator.ts'
import { urlForms } from '../../hunts/indicator-forms.ts'
import type { Observable } from '../../hunts/observable.ts'
import { observableColumns } from '../../hunts/observable-columns.ts'
import type { TableProfile } from '../../hunts/table-profile.ts'
import {
  COLUMN_MATCH_OUTPUT,
  columnMatchStages,
  distinct,
  letDynamic,
  type MatchQuery,
} from './render-match.ts'

const URL_LIST = 'ioc_urls'
const HASH_LIST = 'ioc_hashes'

/**
 * Renders a `url` hunt: a case-insensitive exact match of the whole URL,
 * with and without its scheme and with and without the `/` of an empty
 * path. It never matches on the host alone, which is the domain hunts' job.
 * An ASIM parser with a URL parameter gets the same list as its `has_any`
 * prefilter, which every URL equal to a listed form passes.
 */
export function renderUrlMatch(
  profile: TableProfile,
  indicators: readonly Indicator[],
): MatchQuery {
  const forms = indicators.flatMap((indicator) => {
    const { canonical, alternates } = urlForms(indicator)
    return [canonical, ...alternates]
  })
  const match = exactMatch(profile, 'url', URL_LIST, distinct(forms))
  const urls = profile.parserFilters?.urls
  if (urls === undefined) return match
  return { ...match, parserArguments: [`${urls}=${URL_LIST}`] }
}

/**
 * Renders an `md5`, `sha1` or `sha256` hunt: a case-insensitive exact match
 * of the hash in every column of that hash type, including the initiating
 * process's hash where the table has one.
 */
export function renderHashMatch(
  profile: TableProfile,
  observable: 'md5' | 'sha1' | 'sha256',
  indicators: readonly Indicator[],
): MatchQuery {
  const hashes = distinct(indicators.map((indicator) => indicator.value))
  return exactMatch(profile, observable, HASH_LIST, hashes)
}

function exactMatch(
  profile: TableProfile,
  observable: Observable,
  listName: string,
  values: readonly string[],
): MatchQuery {
  const tests = observableColumns(profile, observable).map((column) => ({
    column,
    test: `isnotempty(${column}) and ${column} in~ (${listName})`,
  }))
  return {
    lets: [letDynamic(listName, values)],
    parserArguments: [],
    stages: columnMatchStages(tests),
    outputColumns: COLUMN_MATCH_OUTPUT,
  }
}
