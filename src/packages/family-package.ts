import type { SuppressedIndicator } from './allowlisted-indicators.ts'
import type { FamilyIndicators } from './family-indicators.ts'
import type { Hunt } from '../hunts/hunt.ts'
import type { FamilyDeployContent } from '../deploy/family-deploy.ts'

/** One family's indicators with the hunting queries built for them. */
export interface FamilyPackage extends FamilyIndicators {
  hunts: Hunt[]
  /** Indicators of the family that an allow-list entry left out of the hunts. */
  notHunted?: SuppressedIndicator[]
  /** Analytics rules, watchlist, ARM template and Defender XDR detections, when built. */
  deploy?: FamilyDeployContent
}

/**
 * Returns the text of a hunt's `.kql` file: the query with exactly one
 * trailing newline. The README's code block contains the same bytes.
 */
export function queryFileText(hunt: Hunt): string {
  return `${hunt.text.replace(/\n+$/, '')}\n`
}
