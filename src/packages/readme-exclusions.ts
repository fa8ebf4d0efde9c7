import { escapeMarkdown, markdownCodeSpan } from './markdown.ts'
import {
  describeExclusionCondition,
  type ExclusionCondition,
  type ExclusionRule,
} from '../hunts/exclusions.ts'
import type { Hunt } from '../hunts/hunt.ts'

interface RuleUse {
  rule: ExclusionRule
  appliedIn: string[]
  /** Files that skipped the rule, by reason, in hunt order. */
  skippedIn: Map<string, string[]>
}

function collectRuleUses(hunts: readonly Hunt[]): RuleUse[] {
  const uses = new Map<string, RuleUse>()
  const useOf = (rule: ExclusionRule): RuleUse => {
    const use = uses.get(rule.id) ?? {
      rule,
      appliedIn: [],
      skippedIn: new Map(),
    }
    uses.set(rule.id, use)
    return use
  }
  for (const hunt of hunts) {
    for (const rule of hunt.appliedExclusions) {
      useOf(rule).appliedIn.push(hunt.fileName)
    }
    for (const { rule, reason } of hunt.skippedExclusions) {
      const { skippedIn } = useOf(rule)
      skippedIn.set(reason, [...(skippedIn.get(reason) ?? []), hunt.fileName])
    }
  }
  // Hunts list rules in the order they apply them, so the first hunt that
  // mentions a rule fixes its place.
  return [...uses.values()]
}

/** Describes a condition in the hunts module's words, with each value in a code span. */
function describeCondition(condition: ExclusionCondition): string {
  if ('parameter' in condition) {
    return escapeMarkdown(describeExclusionCondition(condition))
  }
  // The description of a condition with no values is its subject and
  // operator, for example `initiating process file name is one of`.
  const subject = describeExclusionCondition({
    ...condition,
    values: [],
  }).trimEnd()
  const values = condition.values.map((value) =>
    markdownCodeSpan(value, 'text'),
  )
  return `${escapeMarkdown(subject)} ${values.join(', ')}`
}

function renderRuleUse(use: RuleUse): string {
  const lines = [
    `### ${escapeMarkdown(use.rule.scenario)}`,
    '',
    escapeMarkdown(use.rule.rationale),
    '',
    `- Rule: ${markdownCodeSpan(use.rule.id, 'text')}`,
    '- Leaves out a row when all of these hold:',
    ...use.rule.conditions.map((c) => `  - ${describeCondition(c)}`),
  ]
  if (use.appliedIn.length > 0) {
    const files = use.appliedIn.map((f) => markdownCodeSpan(f, 'text'))
    lines.push(`- Applied in: ${files.join(', ')}`)
  }
  for (const [reason, files] of use.skippedIn) {
    const names = files.map((f) => markdownCodeSpan(f, 'text'))
    lines.push(
      `- Not applied in ${names.join(', ')}: ${escapeMarkdown(reason)}`,
    )
  }
  return lines.join('\n')
}

/**
 * Renders the README section on false positives: each exclusion rule the
 * hunts considered, in the hunts' order, with its scenario, its rationale, the
 * conditions, the query files that apply it, and the files that could not,
 * grouped by reason.
 */
export function renderExclusionsSection(hunts: readonly Hunt[]): string {
  const uses = collectRuleUses(hunts)
  const intro =
    uses.length === 0
      ? 'No false-positive exclusion applies to these queries.'
      : 'Benign activity that can match these indicators, and how the queries leave it out. ' +
        'An exclusion that a table cannot express is listed with the reason, so that you can review those matches by hand.'
  return [
    '## False positives and exclusions',
    '',
    intro,
    ...uses.flatMap((use) => ['', renderRuleUse(use)]),
  ].join('\n')
}
