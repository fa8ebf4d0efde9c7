/** Alert severities of a scheduled analytics rule, lowest first. */
export const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const

export type Severity = (typeof SEVERITIES)[number]

// Threat types whose match means a host talked to, downloaded from or ran
// the family's infrastructure or payload.
const DIRECT_THREAT_TYPES = new Set([
  'botnet_cc',
  'payload_delivery',
  'payload',
])

/**
 * Returns the severity of a match on one indicator, from its ThreatFox
 * threat type and confidence (0-100):
 *
 * | confidence | botnet_cc, payload_delivery, payload | other types |
 * |---|---|---|
 * | 90-100 | High | Medium |
 * | 75-89 | Medium | Low |
 * | 50-74 | Low | Low |
 * | 0-49 | Informational | Informational |
 */
export function indicatorSeverity(
  threatType: string,
  confidence: number,
): Severity {
  if (confidence < 50) return 'Informational'
  const direct = DIRECT_THREAT_TYPES.has(threatType)
  if (confidence >= 90) return direct ? 'High' : 'Medium'
  if (confidence >= 75) return direct ? 'Medium' : 'Low'
  return 'Low'
}

/**
 * Returns the severity of a rule: the highest severity of any indicator it
 * matches, because one hit on a high-confidence C2 server deserves a High
 * alert however many weaker indicators share the rule. Returns
 * `Informational` for no indicators.
 */
export function ruleSeverity(
  indicators: Iterable<{ threatType: string; confidence: number }>,
): Severity {
  let highest = 0
  for (const indicator of indicators) {
    const rank = SEVERITIES.indexOf(
      indicatorSeverity(indicator.threatType, indicator.confidence),
    )
    highest = Math.max(highest, rank)
  }
  return SEVERITIES[highest]!
}
