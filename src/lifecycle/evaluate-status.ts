import type { Allowlist } from '../allowlist/allowlist.ts'
import type { AllowlistMatch } from '../allowlist/allowlist-entry.ts'
import type {
  IndicatorStatus,
  IndicatorStatusRow,
} from '../state/state-store.ts'
import { expiryClassOf, type LifecyclePolicy } from './lifecycle-policy.ts'

/** The status lifecycle rules give an indicator, with the reason. */
export interface StatusDecision {
  status: IndicatorStatus
  /** Set for every status but `active`. */
  reason?: string
  /** The allow-list entry, when the status is `allow-listed`. */
  allowlistMatch?: AllowlistMatch
}

const DAY_MS = 86_400_000

/**
 * Decides an indicator's status at `now`, checking in this order:
 * 1. allow-listed, when an allow-list entry covers it;
 * 2. below-confidence, when its confidence is under the policy minimum;
 * 3. expired, when it was last seen in the feed (`lastSeen`, else
 *    `firstSeen`) more than the expiry period of its type before `now`;
 * 4. active otherwise.
 */
export function evaluateStatus(
  row: Omit<IndicatorStatusRow, 'status' | 'statusReason'>,
  policy: LifecyclePolicy,
  allowlist: Allowlist,
  now: Date,
): StatusDecision {
  const match = allowlist.match({
    type: row.type,
    value: row.value,
    port: row.port,
    urlHost: row.urlHost,
  })
  if (match)
    return {
      status: 'allow-listed',
      reason: match.reason,
      allowlistMatch: match,
    }

  if (row.confidence < policy.minConfidence) {
    return {
      status: 'below-confidence',
      reason: `confidence ${row.confidence} is below the minimum ${policy.minConfidence}`,
    }
  }

  const lastSeen = row.lastSeen ?? row.firstSeen
  const expiryClass = expiryClassOf(row.type)
  const expiryDays = policy.expiryDays[expiryClass]
  const ageMs = now.getTime() - Date.parse(lastSeen)
  if (ageMs > expiryDays * DAY_MS) {
    return {
      status: 'expired',
      // The reason contains no `now`, so it stays the same from run to run.
      reason: `last seen in feed ${lastSeen}; ${expiryClass} indicators expire ${expiryDays} days after that`,
    }
  }
  return { status: 'active' }
}
