import type { Indicator } from '../indicators/indicator.ts'

// Scheme renames that browsers, mail clients and chat tools do not link, in
// the `hxxp`/`hxxps` convention analysts and defanging tools use. Other
// schemes stay as written, because their dotted host is defanged anyway.
const DEFANGED_SCHEMES: Record<string, string> = {
  http: 'hxxp',
  https: 'hxxps',
  ftp: 'fxp',
}

function defangScheme(scheme: string): string {
  return DEFANGED_SCHEMES[scheme.toLowerCase()] ?? scheme
}

/** Replaces every `.` with `[.]`, the defanging that tools and analysts read back. */
function defangDots(text: string): string {
  return text.replaceAll('.', '[.]')
}

function defangIpAddress(
  address: string,
  ipVersion: 4 | 6 | undefined,
): string {
  return ipVersion === 6 || address.includes(':')
    ? address.replaceAll(':', '[:]')
    : defangDots(address)
}

/**
 * Defangs a URL so that no viewer turns it into a link. The scheme becomes
 * `hxxp` or `hxxps`, also inside the path where redirect targets sit. Every
 * dot becomes `[.]`, so neither the host nor a `www.` name in the path stays
 * resolvable.
 */
function defangUrl(url: string): string {
  const schemeEnd = url.indexOf('://')
  const head =
    schemeEnd > 0 ? `${defangScheme(url.slice(0, schemeEnd))}://` : ''
  const rest = schemeEnd > 0 ? url.slice(schemeEnd + 3) : url
  const embeddedSchemes = rest.replace(
    /\b(https?|ftp):\/\//gi,
    (_, scheme: string) => `${defangScheme(scheme)}://`,
  )
  return head + defangDots(embeddedSchemes)
}

/**
 * Returns the indicator's value as a human reader should see it, so that it
 * cannot be clicked, resolved or pasted by accident: `94[.]26[.]90[.]55:8888`,
 * `[2001[:]db8[:][:]1]:443`, `evil[.]example`, `hxxps://evil[.]example/x`.
 * Hashes come back unchanged. Use it for display only; files for tooling keep
 * {@link Indicator.value}.
 */
export function defangIndicator(indicator: Indicator): string {
  switch (indicator.type) {
    case 'ip': {
      const address = defangIpAddress(indicator.value, indicator.ipVersion)
      if (indicator.port === undefined) return address
      return address.includes(':')
        ? `[${address}]:${indicator.port}`
        : `${address}:${indicator.port}`
    }
    case 'domain':
      return defangDots(indicator.value)
    case 'url':
      return defangUrl(indicator.value)
    case 'md5':
    case 'sha1':
    case 'sha256':
      return indicator.value
  }
}
