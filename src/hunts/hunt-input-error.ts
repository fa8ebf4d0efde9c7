/**
 * Raised when a hunt cannot be rendered from the spec and indicators it was
 * given: an unknown table, an observable the table has no columns for, no
 * indicators, or an indicator of another observable or with a value that
 * cannot be written as a query literal. The message names the hunt and the
 * indicator, and what to do.
 */
export class HuntInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HuntInputError'
  }
}
