import { IndicatorValueError } from './indicator-value-error.ts'

const DECIMAL_NUMBER = /^[0-9]+(?:\.[0-9]+)?$/

/**
 * Converts a feed confidence (a number, or a string of digits as in CSV
 * exports) to a number from 0 to 100.
 *
 * @throws IndicatorValueError when the confidence is missing, not a number
 *   or outside 0 to 100.
 */
export function normaliseConfidence(raw: number | string | undefined): number {
  if (raw === undefined) {
    throw new IndicatorValueError('confidence is missing')
  }

  const text = String(raw).trim()
  const confidence = DECIMAL_NUMBER.test(text) ? Number(text) : Number.NaN
  if (Number.isNaN(confidence)) {
    throw new IndicatorValueError(
      `invalid confidence "${text}": expected a number from 0 to 100`,
    )
  }
  if (confidence > 100) {
    throw new IndicatorValueError(
      `confidence ${confidence} is out of range: expected 0 to 100`,
    )
  }
  return confidence
}
