// URLhaus tags that describe a payload or how it was found, not the malware
// family: file formats, CPU architectures and word sizes, as seen in the
// URLhaus CSV dump of 2026-08-18.
const DESCRIPTIVE_TAGS = new Set([
  '32-bit',
  '64-bit',
  '7z',
  'aarch64',
  'apk',
  'arm',
  'arm5',
  'arm6',
  'arm7',
  'ascii',
  'bash',
  'bat',
  'dll',
  'doc',
  'docx',
  'elf',
  'encrypted',
  'exe',
  'hta',
  'html',
  'i586',
  'i686',
  'iso',
  'jar',
  'js',
  'lnk',
  'm68k',
  'malware',
  'mips',
  'mipsel',
  'mpsl',
  'msi',
  'opendir',
  'payload',
  'pdf',
  'powerpc',
  'powershell',
  'ppc',
  'ps1',
  'rar',
  'script',
  'sh',
  'sh4',
  'sparc',
  'vbs',
  'x64',
  'x86',
  'x86_64',
  'xls',
  'xlsx',
  'zip',
])

// Tags that name the host (`176-65-139-212`), the HTTP client that the
// payload server expects (`ua-wget`), the dropper (`dropped-by-amadey`),
// the submitting monitor (`c2-monitor-auto`) or an AS number.
const DESCRIPTIVE_TAG_PATTERNS = [
  /^\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}$/,
  /^ua-/,
  /^dropped-by-/,
  /^c2-monitor/,
  /^as\d+$/,
]

/**
 * Picks the malware family names out of the tags of one URLhaus entry:
 * every tag that is not a file format, architecture, host, user agent,
 * dropper or monitor tag. A tag written all in lower case gets a capital
 * first letter (`mirai` becomes `Mirai`), so that it matches the display
 * names that ThreatFox uses. Names are unique and in tag order.
 *
 * NOTE: URLhaus tags are free text, so this list can take a new
 * descriptive tag for a family, and two spellings of one family (such as
 * `agenttesla` and ThreatFox `Agent Tesla`) stay two families.
 */
export function urlhausTagFamilies(tags: string[]): string[] {
  const families: string[] = []
  for (const tag of tags) {
    if (isDescriptiveTag(tag.toLowerCase())) continue

    const family = capitalise(tag)
    const seen = families.some(
      (name) => name.toLowerCase() === family.toLowerCase(),
    )
    if (!seen) families.push(family)
  }
  return families
}

function isDescriptiveTag(tag: string): boolean {
  if (DESCRIPTIVE_TAGS.has(tag)) return true
  return DESCRIPTIVE_TAG_PATTERNS.some((pattern) => pattern.test(tag))
}

function capitalise(tag: string): string {
  if (tag !== tag.toLowerCase()) return tag
  return tag.charAt(0).toUpperCase() + tag.slice(1)
}
