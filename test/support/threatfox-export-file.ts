import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** One record for {@link writeThreatFoxExport}. */
export interface ExportRecord {
  id: string
  value: string
  /** ThreatFox `ioc_type`: `ip:port`, `domain`, `url`, `md5_hash`, `sha1_hash` or `sha256_hash`. */
  type: string
  family: string
  /** `YYYY-MM-DD HH:MM:SS`, UTC as in the export. */
  firstSeen: string
  lastSeen?: string
  confidence?: number
  threatType?: string
  tags?: string
}

/**
 * Writes a ThreatFox JSON export (the shape of the `export/json/recent/`
 * download in test/fixtures/threatfox/) with the given records to
 * `folder/name` and returns its path.
 */
export function writeThreatFoxExport(
  folder: string,
  name: string,
  records: readonly ExportRecord[],
): string {
  const body: Record<string, unknown[]> = {}
  for (const record of records) {
    body[record.id] = [
      {
        ioc_value: record.value,
        ioc_type: record.type,
        threat_type: record.threatType ?? 'botnet_cc',
        malware: `win.${record.family.toLowerCase()}`,
        malware_alias: null,
        malware_printable: record.family,
        first_seen_utc: record.firstSeen,
        last_seen_utc: record.lastSeen ?? null,
        confidence_level: record.confidence ?? 100,
        is_compromised: false,
        reference: null,
        tags: record.tags ?? record.family,
        anonymous: 0,
      },
    ]
  }
  const path = join(folder, name)
  writeFileSync(path, `${JSON.stringify(body, null, 4)}\n`)
  return path
}
