import { buildFamilyDeployContent } from '../deploy/family-deploy.ts'
import { buildFamilyHunts } from '../targets/kql/hunt-renderer.ts'
import { KqlValidator } from '../validation/kql-validator.ts'
import type { PackageBuildStages } from './build-packages.ts'

/**
 * Returns the stages of a real build: the KQL hunt renderer with the given
 * lookback (a KQL timespan such as `14d`), and Microsoft's Kusto parser
 * checking each query against the Sentinel table catalog. The last stage
 * builds each family's analytics rules, watchlist, ARM template and
 * Defender XDR detections.
 */
export function createBuildStages(
  lookback: string,
): Pick<
  PackageBuildStages,
  'buildFamilyHunts' | 'validateQuery' | 'buildDeployContent'
> {
  return {
    buildFamilyHunts: (family) =>
      buildFamilyHunts(family.name, family.indicators, { lookback }),
    validateQuery: (text) => KqlValidator.shared().validate(text),
    buildDeployContent: (family) => buildFamilyDeployContent(family),
  }
}
