import type { IndicatorType } from './indicator.ts'

/** The parts of an indicator that identify what to hunt for. */
export interface ObservableIdentity {
  type: IndicatorType
  value: string
  port?: number
}

/**
 * Builds the key of an observable regardless of family: `type|value`, plus
 * `|port` when there is a port, for example `ip|203.0.113.9|8080`.
 */
export function observableKey(observable: ObservableIdentity): string {
  const base = `${observable.type}|${observable.value}`
  return observable.port === undefined ? base : `${base}|${observable.port}`
}

/**
 * Builds the deduplication key of an indicator: the observable key, `|` and
 * the family, for example `ip|203.0.113.9|8080|DCRat`. The family is part of
 * the key because hunting packages are built per family, so one observable
 * reported for two families becomes two indicators.
 */
export function indicatorKey(
  observable: ObservableIdentity,
  family: string,
): string {
  return `${observableKey(observable)}|${family}`
}
