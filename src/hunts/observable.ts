import type { Indicator } from '../indicators/indicator.ts'

/**
 * Kind of value a hunt compares with the logs. An `ip` indicator with a port is an
 * `ip-port` observable, because its hunts test the port as well.
 */
export type Observable =
  'ip-port' | 'ip' | 'domain' | 'url' | 'md5' | 'sha1' | 'sha256'

/** Every observable, in the order hunts are listed in a package. */
export const OBSERVABLES: readonly Observable[] = [
  'ip-port',
  'ip',
  'domain',
  'url',
  'sha256',
  'sha1',
  'md5',
]

/** Observables that name a file, not a network peer. */
export const HASH_OBSERVABLES: readonly Observable[] = ['md5', 'sha1', 'sha256']

/** Returns the observable an indicator is hunted as. */
export function observableOf(indicator: Indicator): Observable {
  if (indicator.type === 'ip') {
    return indicator.port === undefined ? 'ip' : 'ip-port'
  }
  return indicator.type
}

/** Returns the indicator type as the feed writes it, for example `ip:port`. */
export function observableLabel(observable: Observable): string {
  return observable === 'ip-port' ? 'ip:port' : observable
}
