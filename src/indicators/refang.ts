/** A refanged value and whether the input was defanged at all. */
export interface RefangResult {
  value: string
  /** True when at least one defanging pattern was replaced. */
  defanged: boolean
}

// `hxxp`, `hXXps`, `HXXPS` and `fxp` only count as a scheme at the start
// and when a colon (plain or bracketed) follows, so a host such as
// `hxxp.example` stays unchanged.
const DEFANGED_SCHEME = /^(?:h(xx)p(s?)|f(x)p)(?=\[?:)/i

// Bracket pairs around `.`, `dot`, `:` and `/`. A bare `dot` is never
// replaced, so names such as `www.mdot.example` and `dot-star.example` keep
// their letters. Spaces around a bracketed dot are part of the defanging.
const DEFANGED_SEPARATORS: ReadonlyArray<[RegExp, string]> = [
  [/ ?(?:\[(?:\.|dot)\]|\((?:\.|dot)\)|\{(?:\.|dot)\}) ?/gi, '.'],
  [/\[:\/\/\]/g, '://'],
  [/\[:\]/g, ':'],
  [/\[\/\]/g, '/'],
]

// `[@]` and `[at]` become `@` only in the authority (user info and host),
// because a path or query may use `[at]` as a real parameter name, as in
// PHP-style `filter[at]=1`.
const DEFANGED_AT_SIGN = /\[(?:@|at)\]/gi
const AUTHORITY = /^((?:[a-z][a-z0-9+.-]*:\/\/)?)([^/?#\\]*)/i

/**
 * Replaces common defanging patterns in an indicator value: the `hxxp`,
 * `hxxps` and `fxp` schemes in any letter case, `[.]`, `(.)`, `{.}`,
 * `[dot]`, `(dot)`, `{dot}`, `[:]`, `[://]`, `[/]`, and `[@]` or `[at]` in
 * the authority. Everything else, including percent escapes, stays as it is.
 *
 * @example refang('hxxps[:]//bad-example[.]com/gate.php')
 *   // { value: 'https://bad-example.com/gate.php', defanged: true }
 */
export function refang(value: string): RefangResult {
  let text = value.replace(DEFANGED_SCHEME, refangScheme)
  for (const [pattern, replacement] of DEFANGED_SEPARATORS) {
    text = text.replace(pattern, replacement)
  }
  text = text.replace(AUTHORITY, (authority) =>
    authority.replace(DEFANGED_AT_SIGN, '@'),
  )

  return { value: text, defanged: text !== value }
}

function refangScheme(
  _match: string,
  httpMarker: string | undefined,
  secure: string | undefined,
): string {
  if (httpMarker === undefined) return 'ftp'
  return secure ? 'https' : 'http'
}
