// MISP taxonomy tag of an analyst's confidence, for example
// `estimative-language:confidence-in-analytic-judgment="high"`.
const CONFIDENCE_TAG =
  /^estimative-language:confidence-in-analytic-judgment="(low|moderate|high)"$/

// The Low, Med and High values of the None/Low/Med/High confidence scale
// of STIX 2.1 (Appendix A), so that MISP and STIX confidences compare.
const CONFIDENCE_VALUES = new Map([
  ['low', 15],
  ['moderate', 50],
  ['high', 85],
])

/**
 * Reads a confidence (0-100) from the first estimative-language
 * `confidence-in-analytic-judgment` tag in `tags`: low 15, moderate 50,
 * high 85. Returns undefined when there is no such tag.
 */
export function confidenceOfMispTags(tags: string[]): number | undefined {
  for (const tag of tags) {
    const match = CONFIDENCE_TAG.exec(tag)
    if (match !== null) return CONFIDENCE_VALUES.get(match[1])
  }
  return undefined
}
