import type { Observable } from './observable.ts'
import type { TableProfile } from './table-profile.ts'

/**
 * Returns the columns of a table that a hunt for the observable compares
 * with indicator values, or an empty list when the table has none, in which
 * case no hunt of that observable is built for the table.
 */
export function observableColumns(
  profile: TableProfile,
  observable: Observable,
): readonly string[] {
  switch (observable) {
    case 'ip-port':
    case 'ip':
      return profile.endpoints.map((endpoint) => endpoint.ipColumn)
    case 'domain':
      return profile.hostNameColumns
    case 'url':
      return profile.urlColumns
    case 'md5':
    case 'sha1':
    case 'sha256':
      return profile.hashColumns[observable] ?? []
  }
}
