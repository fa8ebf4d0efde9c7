/**
 * MITRE ATT&CK tactics and techniques of generated analytics rules, chosen
 * from the ThreatFox threat type of the indicators a rule matches.
 */

/**
 * Tactic names that scheduled analytics rules accept: the `AttackTactic`
 * enum of the Azure-Sentinel content validation
 * (.script/tests/detectionTemplateSchemaValidation/Models/AttackTactic.cs).
 */
export const ATTACK_TACTICS = [
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'Exfiltration',
  'CommandAndControl',
  'Impact',
  'Reconnaissance',
  'ResourceDevelopment',
  'ImpairProcessControl',
  'InhibitResponseFunction',
] as const

export type AttackTactic = (typeof ATTACK_TACTICS)[number]

/**
 * Every tactic of each technique huntpack emits, as in MITRE ATT&CK
 * Enterprise and in the technique table of the Azure-Sentinel validator
 * (KillChainTechniquesHelper.cs). That validator rejects a rule unless all
 * tactics of each listed technique are in its `tactics`, so a technique is
 * only usable once it is in this table.
 */
export const TECHNIQUE_TACTICS: Readonly<
  Record<string, readonly AttackTactic[]>
> = {
  // Application Layer Protocol: malware talking to its C2 over HTTP, DNS...
  T1071: ['CommandAndControl'],
  // Ingress Tool Transfer: a host downloading a payload from a delivery site.
  T1105: ['CommandAndControl'],
  // User Execution: a user opening a malicious link or file.
  T1204: ['Execution'],
  // Input Capture: web skimmers capture card data typed into checkout pages.
  T1056: ['Collection', 'CredentialAccess'],
}

/** Tactics and techniques of one rule. */
export interface AttackMapping {
  tactics: AttackTactic[]
  techniques: string[]
}

// ThreatFox threat types (https://threatfox.abuse.ch/api/, "types" query).
const THREAT_TYPE_TECHNIQUES: Readonly<Record<string, readonly string[]>> = {
  // A match means a host reached the family's command-and-control server.
  botnet_cc: ['T1071'],
  // A match means a host fetched from a site that serves the family's
  // payload (T1105), usually after a user opened a lure (T1204).
  payload_delivery: ['T1105', 'T1204'],
  // A match on a file hash means the payload itself reached a host.
  payload: ['T1204'],
  // A match means a browser loaded or sent data to a card skimmer.
  cc_skimming: ['T1056'],
}

/**
 * Returns the tactics and techniques for a set of ThreatFox threat types:
 * the union of each type's techniques, and exactly the tactics those
 * techniques belong to, in {@link ATTACK_TACTICS} order. Unknown threat
 * types add nothing, so a rule with only unknown types has no tactics.
 */
export function attackMappingFor(threatTypes: Iterable<string>): AttackMapping {
  const techniques = new Set<string>()
  for (const threatType of threatTypes) {
    for (const technique of THREAT_TYPE_TECHNIQUES[threatType] ?? []) {
      techniques.add(technique)
    }
  }
  const sortedTechniques = [...techniques].sort()
  return {
    tactics: tacticsOfTechniques(sortedTechniques),
    techniques: sortedTechniques,
  }
}

/**
 * Returns every tactic the given techniques belong to, in
 * {@link ATTACK_TACTICS} order. A sub-technique such as `T1204.002` counts
 * as its parent technique. Techniques missing from
 * {@link TECHNIQUE_TACTICS} add nothing.
 */
export function tacticsOfTechniques(
  techniques: Iterable<string>,
): AttackTactic[] {
  const tactics = new Set<AttackTactic>()
  for (const technique of techniques) {
    for (const tactic of TECHNIQUE_TACTICS[technique.split('.')[0]!] ?? []) {
      tactics.add(tactic)
    }
  }
  return ATTACK_TACTICS.filter((tactic) => tactics.has(tactic))
}
