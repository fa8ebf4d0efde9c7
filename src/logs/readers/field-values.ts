/** Small value helpers shared by the readers. */

/** Returns text, or undefined for empty text and the placeholders `-` and `(empty)`. */
export function present(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value)
  return text === '' || text === '-' ? undefined : text
}

/** Returns the file name of a Windows or POSIX path. */
export function pathFileName(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'))
  return cut < 0 ? path : path.slice(cut + 1)
}

/** Splits `DOMAIN\user` into its domain and user name. */
export function splitAccount(account: string): {
  domain?: string
  name: string
} {
  const cut = account.indexOf('\\')
  return cut < 0
    ? { name: account }
    : { domain: account.slice(0, cut), name: account.slice(cut + 1) }
}

/** Returns a number for integer text, or undefined. */
export function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  // A scan for /^-?\d+$/ that sums the digits, which is faster than the
  // regular expression and Number() on the short text of ports and counters.
  const negative = value.charCodeAt(0) === 45 /* - */
  let i = negative ? 1 : 0
  if (i === value.length) return undefined
  let sum = 0
  for (; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return undefined
    sum = sum * 10 + digit
  }
  // The sum is exact up to 15 digits. Longer text goes through Number() so
  // that it rounds the same way.
  if (value.length > 15) return Number(value)
  return negative ? -sum : sum
}

/** Returns the sum of two optional numbers, or undefined when both are missing. */
export function sumOf(
  a: number | undefined,
  b: number | undefined,
): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0)
}

/** Splits a host name into its first label and its domain. */
export function splitHostName(host: string): {
  hostname: string
  domain?: string
} {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return { hostname: host }
  const dot = host.indexOf('.')
  return dot < 0
    ? { hostname: host }
    : { hostname: host.slice(0, dot), domain: host.slice(dot + 1) }
}
