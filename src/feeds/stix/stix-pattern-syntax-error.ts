/**
 * Raised when a STIX pattern does not follow the STIX 2.1 patterning
 * grammar. The message names the 1-based character position and what was
 * expected there.
 */
export class StixPatternSyntaxError extends Error {
  constructor(
    readonly problem: string,
    /** 0-based offset in the pattern. */
    readonly offset: number,
  ) {
    super(`${problem} at character ${offset + 1}`)
    this.name = 'StixPatternSyntaxError'
  }
}
