/** Position of a syntax node in the query text, both 1-based. */
export interface KqlPosition {
  line: number
  column: number
}

/**
 * Base class of every error the KQL translator raises. The message names the
 * query (file name or `<query>`), the position and the construct.
 */
export class KqlTranslationError extends Error {
  constructor(
    message: string,
    readonly queryName: string,
    readonly position: KqlPosition,
  ) {
    super(`${queryName}:${position.line}:${position.column}: ${message}`)
    this.name = 'KqlTranslationError'
  }
}

/** Raised for KQL that the Kusto parser rejects. */
export class KqlSyntaxError extends KqlTranslationError {
  constructor(parserMessage: string, queryName: string, position: KqlPosition) {
    super(
      `invalid KQL: ${parserMessage}; fix the query text`,
      queryName,
      position,
    )
    this.name = 'KqlSyntaxError'
  }
}

/**
 * Raised for valid KQL that uses an operator, function or form outside the
 * subset that huntpack generates and the local engine runs.
 */
export class UnsupportedKqlError extends KqlTranslationError {
  constructor(
    readonly construct: string,
    queryName: string,
    position: KqlPosition,
    detail?: string,
  ) {
    super(
      `${construct} is not supported by the local hunting engine${detail ? ` (${detail})` : ''}; ` +
        'rewrite the query with the operators listed in the KQL subset',
      queryName,
      position,
    )
    this.name = 'UnsupportedKqlError'
  }
}
