import type { RejectedRecord } from './indicator.ts'

/**
 * Raised by the normalisers when one feed value or field cannot become part
 * of an indicator. Normalisation catches it and turns the record into a
 * {@link RejectedRecord}, so the reason should read well on its own in a
 * rejection report.
 */
export class IndicatorValueError extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'IndicatorValueError'
  }
}
